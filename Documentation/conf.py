# SPDX-License-Identifier: GPL-2.0-only
# Sphinx configuration for minivmx's Documentation/ (make htmldocs).  The
# kernel's own kernel-doc extension and script, from the linux-source
# tree in $MINIVMX_KSRC (tests/testbed/ksrc.sh --root), turn the kernel-doc
# comments of uapi/linux/minivmx.h into the API reference, as the kernel's
# make htmldocs does for its headers.
import os
import sys

ksrc = os.environ.get('MINIVMX_KSRC')
if not ksrc:
    sys.exit('conf.py: set MINIVMX_KSRC to a Linux source tree (make htmldocs does)')
sys.path.insert(0, os.path.join(ksrc, 'Documentation', 'sphinx'))

project = 'minivmx'
copyright = 'the minivmx authors; GPL-2.0-only'
master_doc = 'index'
extensions = ['kerneldoc']
kerneldoc_bin = os.path.join(ksrc, 'scripts', 'kernel-doc')
kerneldoc_srctree = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
# The uapi header's types carry the kernel's attributes.
c_id_attributes = ['__user', '__packed', '__aligned']
html_theme = 'alabaster'
exclude_patterns = ['_build']
