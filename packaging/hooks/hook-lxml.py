"""Replaces the contrib hook for lxml, which takes every lxml submodule (objectify, html,
isoschematron with its schemas, sax...: about 5 MB). The app reaches lxml only through
python-docx, which uses lxml.etree alone; hook-lxml.etree.py (contrib) adds what etree needs.
"""

hiddenimports: list[str] = []
