#!/usr/bin/env python
"""Django's command-line utility; the installed `parkledger` command is the same thing."""
from parkledger.cli import main

if __name__ == "__main__":
    main()
