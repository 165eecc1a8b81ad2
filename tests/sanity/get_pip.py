"""Offline stand-in for the pip bootstrap script ansible-test downloads (get-pip.py).

ansible-test runs it inside an empty virtualenv with pip's install options and the packages
to install; ensurepip gives that virtualenv a pip, which then installs them from the index.
"""
import subprocess
import sys

IGNORED = {"--no-setuptools", "--no-wheel"}

subprocess.run([sys.executable, "-m", "ensurepip", "--default-pip"], check=True)
arguments = [argument for argument in sys.argv[1:] if argument not in IGNORED]
subprocess.run([sys.executable, "-m", "pip", "install", *arguments], check=True)
