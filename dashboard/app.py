"""Streamlit entry point. Run: streamlit run dashboard/app.py [-- --config PATH]

Streamlit executes this script afresh on every rerun, so it only imports and calls; the
app itself lives in dashboard/shell.py, a module compiled once.
"""
import sys
from pathlib import Path

if __package__ in (None, ""):  # `streamlit run dashboard/app.py` runs this file as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard.shell import main

main()
