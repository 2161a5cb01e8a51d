"""`python -m lang extract|update|compile`: the catalogs' three Babel steps (see lang.catalogs)."""

from lang.catalogs import main

raise SystemExit(main())
