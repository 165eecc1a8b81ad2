# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""python3 etcd-snapshot-check.py [--hash | --contents] SNAPSHOT: checks the sha256 etcd appends to a snapshot, then
prints one line of JSON with the revision it holds and the size of its database, as `etcdutl snapshot status` gives
them. --hash does the first alone, --contents the second: the backup reads the revision first and checks the hash
while restic reads the file.

Both are read in a few MiB of memory: the hash by streaming the file, the revision from the last key of the "key"
bucket, found by reading the few bbolt pages on the way to it. etcdutl maps the whole database and touches every
page, which counts as resident memory as large as the snapshot."""

import hashlib
import json
import struct
import sys

HASH_SIZE = 32
CHUNK = 1 << 20
PAGE_HEADER = struct.Struct("<QHHI")  # id, flags, count, overflow
ELEMENT = struct.Struct("<IIII")  # leaf: flags, pos, ksize, vsize; branch: pos, ksize, pgid (two words)
BRANCH, LEAF = 0x01, 0x02
BUCKET = 0x01
META_MAGIC = 0xED0CDAED


class NotASnapshot(Exception):
    pass


def hash_valid(path):
    """Whether the file's last 32 bytes are the sha256 of the bytes before them."""
    digest = hashlib.sha256()
    with open(path, "rb") as snapshot:
        snapshot.seek(0, 2)
        remaining = snapshot.tell() - HASH_SIZE
        if remaining <= 0:
            return False
        snapshot.seek(0)
        while remaining:
            chunk = snapshot.read(min(CHUNK, remaining))
            if not chunk:
                return False
            digest.update(chunk)
            remaining -= len(chunk)
        return snapshot.read(HASH_SIZE) == digest.digest()


def fnv64a(data):
    value = 0xCBF29CE484222325
    for byte in data:
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return value


class Bolt:
    """The pages of a bbolt file read on demand."""

    def __init__(self, snapshot):
        self.file = snapshot
        metas = [self._meta(offset) for offset in (0, self._meta_page_size())]
        metas = [meta for meta in metas if meta]
        if not metas:
            raise NotASnapshot("no valid bbolt meta page")
        self.page_size, self.root, self.high_water = max(metas)[1:]

    def _meta_page_size(self):
        self.file.seek(PAGE_HEADER.size + 8)
        return struct.unpack("<I", self.file.read(4))[0] or 4096

    def _meta(self, offset):
        """(txid, page size, root bucket's page, high water page) of the meta page at offset, or None."""
        self.file.seek(offset + PAGE_HEADER.size)
        data = self.file.read(64)
        if len(data) < 64:
            return None
        magic, _version, page_size, _flags, root, _sequence, _freelist, high_water, txid, checksum = struct.unpack(
            "<IIIIQQQQQQ", data)
        if magic != META_MAGIC or fnv64a(data[:56]) != checksum:
            return None
        return txid, page_size, root, high_water

    def page(self, pgid):
        self.file.seek(pgid * self.page_size)
        header = self.file.read(PAGE_HEADER.size)
        overflow = PAGE_HEADER.unpack(header)[3]
        return header + self.file.read((overflow + 1) * self.page_size - PAGE_HEADER.size)

    def elements(self, page):
        """(flags, key, value or child pgid) of each element of a page, in key order."""
        flags, count = PAGE_HEADER.unpack_from(page)[1:3]
        found = []
        for index in range(count):
            at = PAGE_HEADER.size + index * ELEMENT.size
            if flags & BRANCH:
                pos, ksize, pgid = struct.unpack_from("<IIQ", page, at)
                found.append((BRANCH, page[at + pos:at + pos + ksize], pgid))
            elif flags & LEAF:
                element_flags, pos, ksize, vsize = ELEMENT.unpack_from(page, at)
                start = at + pos
                found.append((element_flags, page[start:start + ksize], page[start + ksize:start + ksize + vsize]))
            else:
                raise NotASnapshot("page %d is neither a branch nor a leaf" % PAGE_HEADER.unpack_from(page)[0])
        return found

    def bucket(self, root_page, name):
        """The root page of the bucket name in the bucket tree at root_page: (page, None) or, for an inline
        bucket, (None, its page)."""
        page = self.page(root_page)
        while True:
            elements = self.elements(page)
            if PAGE_HEADER.unpack_from(page)[1] & BRANCH:
                below = [child for _flags, key, child in elements if key <= name] or [elements[0][2]]
                page = self.page(below[-1])
                continue
            for flags, key, value in elements:
                if key == name and flags & BUCKET:
                    root = struct.unpack_from("<Q", value)[0]
                    return (root, None) if root else (None, value[16:])
            raise NotASnapshot("no %r bucket" % name.decode())

    def last_key(self, root_page, inline):
        page = inline if inline is not None else self.page(root_page)
        while True:
            elements = self.elements(page)
            if not elements:
                return None
            if PAGE_HEADER.unpack_from(page)[1] & BRANCH:
                page = self.page(elements[-1][2])
                continue
            return elements[-1][1]


def contents(path):
    """The revision and database size of the snapshot at path."""
    with open(path, "rb") as snapshot:
        try:
            bolt = Bolt(snapshot)
            last = bolt.last_key(*bolt.bucket(bolt.root, b"key"))
        except (NotASnapshot, struct.error) as error:
            sys.exit("%s is not an etcd snapshot: %s" % (path, error))
    revision = int.from_bytes(last[:8], "big") if last else 0
    return {"revision": revision, "size": bolt.high_water * bolt.page_size}


def main(arguments):
    mode, path = arguments if len(arguments) == 2 else (None, arguments[0])
    found = {}
    if mode != "--contents":
        if not hash_valid(path):
            sys.exit("%s fails etcd's integrity check: its sha256 does not match (a damaged or cut snapshot)" % path)
        found["hash"] = "valid"
    if mode != "--hash":
        found.update(contents(path))
    print(json.dumps(found))


if __name__ == "__main__":
    if not (len(sys.argv) == 2 or len(sys.argv) == 3 and sys.argv[1] in ("--hash", "--contents")):
        sys.exit("usage: python3 etcd-snapshot-check.py [--hash | --contents] SNAPSHOT")
    main(sys.argv[1:])
