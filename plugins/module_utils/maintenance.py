# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The schedule and the checks of the cluster's backups (quorum.etcd.etcd_maintenance): restic repositories, a
systemd timer on every member, one backup per interval for the whole cluster."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional
from urllib.parse import urlsplit

# restic's --keep-within: years, months, days and hours, such as 30d or 1y6m.
RETENTION = re.compile(r"^([0-9]+[ymdh])+$")
INTERVAL = re.compile(r"^([0-9]+)([mhd])$")
# The backups' timer fires within this share of the interval after its time, so that the members' timers do not
# all fire at once, and well before the interval's backup marker expires (half the interval).
RANDOMIZED_DELAY_SHARE = 10
RANDOMIZED_DELAY_MAX = 600


def backup_schedule(interval: str) -> Optional[Dict[str, Any]]:
    """The systemd calendar that repeats every interval (minutes that divide an hour, hours that divide a day, or one
    day), the interval in seconds, and the timer's randomized delay; None for an interval a calendar cannot repeat."""
    match = INTERVAL.match(str(interval or ""))
    if not match:
        return None
    count, unit = int(match.group(1)), match.group(2)
    if unit == "m" and count > 0 and 60 % count == 0:
        calendar, seconds = ("*-*-* *:00/%d:00" % count) if count < 60 else "hourly", count * 60
    elif unit == "h" and count > 0 and 24 % count == 0:
        calendar, seconds = ("*-*-* 00/%d:00:00" % count) if count < 24 else "daily", count * 3600
    elif unit == "d" and count == 1:
        calendar, seconds = "daily", 86400
    else:
        return None
    return {"calendar": calendar, "seconds": seconds,
            "randomized_delay": min(seconds // RANDOMIZED_DELAY_SHARE, RANDOMIZED_DELAY_MAX)}


def backup_repository(directory: str, s3_bucket: str, s3_endpoint: str, s3_prefix: str) -> str:
    """restic's repository: the S3 bucket when one is given, else a directory on each member."""
    if not s3_bucket:
        return "%s/repository" % directory.rstrip("/")
    server = s3_endpoint.rstrip("/") if s3_endpoint else "s3.amazonaws.com"
    return "s3:%s/%s" % (server, "/".join(part for part in (s3_bucket, s3_prefix.strip("/")) if part))


def backup_problems(settings: Dict[str, Any]) -> List[str]:
    """What the backups' settings would not do; none while backups are off."""
    s = settings
    if not s.get("etcd_backup_enabled"):
        return []
    problems = []
    if backup_schedule(s.get("etcd_backup_interval", "")) is None:
        problems.append("etcd_backup_interval is %r: give minutes that divide an hour (15m, 30m), hours that divide a "
                        "day (1h, 2h, 3h, 4h, 6h, 8h, 12h) or 1d, which a systemd calendar repeats evenly"
                        % s.get("etcd_backup_interval"))
    retention = str(s.get("etcd_backup_retention") or "")
    count = s.get("etcd_backup_retention_count") or 0
    if retention and not RETENTION.match(retention):
        problems.append("etcd_backup_retention is %r: give an age restic understands, such as 30d, 12h or 1y6m "
                        "(y, m for months, d, h), or \"\" to keep by count alone" % retention)
    if not retention and not count:
        problems.append("etcd_backup_retention is empty and etcd_backup_retention_count is 0, which would keep every "
                        "backup forever: set one of them (30d; or 28, four weeks of 6-hourly backups)")
    if not s.get("etcd_backup_password"):
        problems.append("etcd_backup_password is empty: the backups are encrypted with it (restic), and it is the "
                        "only way to read them back; set it from a vault (ansible-vault, or an AWX credential) and "
                        "keep a copy away from the members and the backups")
    if s.get("etcd_backup_s3_bucket"):
        endpoint = str(s.get("etcd_backup_s3_endpoint") or "")
        parts = urlsplit(endpoint)
        if endpoint and (parts.scheme not in ("http", "https") or not parts.hostname or parts.path.strip("/")):
            problems.append("etcd_backup_s3_endpoint is %r: give the S3 server's URL, such as "
                            "https://minio.example.com:9000, or \"\" for AWS" % endpoint)
        if bool(s.get("etcd_backup_s3_access_key")) != bool(s.get("etcd_backup_s3_secret_key")):
            problems.append("etcd_backup_s3_access_key and etcd_backup_s3_secret_key go together: give both, or "
                            "neither to use the members' instance role")
    return problems
