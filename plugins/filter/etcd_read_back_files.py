# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_read_back_files
short_description: The files read back from a host, as M(quorum.etcd.etcd_files) entries for the controller
version_added: 0.1.0
description:
  - Turns what M(ansible.builtin.slurp) read of a host, in a loop over entries that name where each file goes on the
    controller, into the entries that write them there in one M(quorum.etcd.etcd_files) task - their directories
    first (mode C(0700)), then the files with their content.
options:
  _input:
    description:
      - The C(results) of the M(ansible.builtin.slurp) loop; each result's C(item) gives C(src) (where the file goes on
        the controller) and C(mode).
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Keep what was read in etcd_pki_dir
  quorum.etcd.etcd_files:
    files: "{{ read.results | quorum.etcd.etcd_read_back_files }}"
  delegate_to: localhost
"""

RETURN = r"""
_value:
  description: The directories, then the files; each with C(path), C(state) and C(mode), a file with C(content) too.
  type: list
  elements: dict
"""

import base64
import posixpath


def etcd_read_back_files(results):
    files = [{"path": result["item"]["src"], "state": "file", "mode": result["item"]["mode"],
              "content": base64.b64decode(result["content"]).decode("utf-8")} for result in results]
    directories = sorted({posixpath.dirname(entry["path"]) for entry in files})
    return [{"path": path, "state": "directory", "mode": "0700"} for path in directories] + files


class FilterModule:
    def filters(self):
        return {"etcd_read_back_files": etcd_read_back_files}
