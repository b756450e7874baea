from __future__ import annotations

import sys

from swp_data.cli import main

sys.exit(main())
