from __future__ import annotations

import pytest

from ansible_collections.quorum.etcd.plugins.module_utils.maintenance import (
    backup_problems, backup_repository, duration_seconds, maintenance_problems, timer_schedule, timers_plan)

GOOD = {"etcd_backup_enabled": True, "etcd_backup_interval": "6h", "etcd_backup_retention": "30d",
        "etcd_backup_retention_count": 0, "etcd_backup_password": "secret", "etcd_backup_s3_bucket": "",
        "etcd_backup_s3_endpoint": "", "etcd_backup_s3_access_key": "", "etcd_backup_s3_secret_key": ""}


@pytest.mark.parametrize("interval, calendar, seconds, delay", [
    ("6h", "*-*-* 00/6:00:00", 21600, 600),
    ("15m", "*-*-* *:00/15:00", 900, 90),
    ("60m", "hourly", 3600, 360),
    ("24h", "daily", 86400, 600),
    ("1d", "daily", 86400, 600),
    ("1w", "weekly", 604800, 600),
])
def test_an_interval_a_calendar_repeats_evenly_becomes_its_calendar(interval, calendar, seconds, delay):
    assert timer_schedule(interval) == {"calendar": calendar, "seconds": seconds, "randomized_delay": delay}


@pytest.mark.parametrize("interval", ["5h", "7m", "0h", "2d", "2w", "6", "6 h", "", None])
def test_an_interval_a_calendar_cannot_repeat_evenly_has_no_schedule(interval):
    assert timer_schedule(interval) is None


def test_the_repository_is_the_bucket_when_one_is_given_else_a_directory_on_each_member():
    assert backup_repository("/var/backups/etcd/", "", "", "prod") == "/var/backups/etcd/repository"
    assert backup_repository("/b", "etcd", "", "prod") == "s3:s3.amazonaws.com/etcd/prod"
    assert backup_repository("/b", "etcd", "http://10.0.0.5:9000/", "/prod/") == "s3:http://10.0.0.5:9000/etcd/prod"
    assert backup_repository("/b", "etcd", "http://10.0.0.5:9000", "") == "s3:http://10.0.0.5:9000/etcd"


def test_backups_turned_off_are_not_checked():
    assert backup_problems(dict(GOOD, etcd_backup_enabled=False, etcd_backup_password="")) == []
    assert backup_problems(GOOD) == []


def test_each_bad_backup_setting_is_named_with_what_to_give():
    assert "etcd_backup_interval is '5h'" in backup_problems(dict(GOOD, etcd_backup_interval="5h"))[0]
    assert "etcd_backup_retention is '30 days'" in backup_problems(dict(GOOD, etcd_backup_retention="30 days"))[0]
    forever = backup_problems(dict(GOOD, etcd_backup_retention=""))
    assert forever and "would keep every backup forever" in forever[0]
    assert backup_problems(dict(GOOD, etcd_backup_retention="", etcd_backup_retention_count=1)) == []
    assert "etcd_backup_password is empty" in backup_problems(dict(GOOD, etcd_backup_password=""))[0]
    assert "etcd_backup_memory_limit is '96M'" in backup_problems(dict(GOOD, etcd_backup_memory_limit="96M"))[0]
    assert backup_problems(dict(GOOD, etcd_backup_memory_limit="1GiB")) == []
    assert backup_problems(dict(GOOD, etcd_backup_memory_limit="")) == []
    s3 = dict(GOOD, etcd_backup_s3_bucket="etcd")
    assert backup_problems(s3) == []
    assert "etcd_backup_s3_endpoint is 'minio:9000'" in backup_problems(dict(s3, etcd_backup_s3_endpoint="minio:9000"))[0]
    half = backup_problems(dict(s3, etcd_backup_s3_access_key="AKIA"))
    assert half and "go together" in half[0]


DRILL_AND_DEFRAG = dict(GOOD, etcd_backup_drill_enabled=True, etcd_backup_drill_interval="1w", etcd_backup_max_age="",
                        etcd_defrag_enabled=True, etcd_defrag_interval="1d", etcd_defrag_threshold_bytes=104857600,
                        etcd_defrag_threshold_ratio=0.1)


def test_a_duration_is_counted_in_seconds():
    assert [duration_seconds(d) for d in ("90s", "13h", "2d", "1w")] == [90, 46800, 172800, 604800]
    assert [duration_seconds(d) for d in ("13", "1 h", "1y", "", None)] == [None] * 5


def test_the_defaults_of_drills_and_defragmentation_pass_and_extra_vars_given_as_text_are_numbers():
    assert maintenance_problems(DRILL_AND_DEFRAG) == []
    assert maintenance_problems(dict(DRILL_AND_DEFRAG, etcd_defrag_threshold_bytes="0",
                                     etcd_defrag_threshold_ratio="0.5")) == []


def test_each_bad_drill_or_defrag_setting_is_named_with_what_to_give():
    def problems(**changed):
        return maintenance_problems(dict(DRILL_AND_DEFRAG, **changed))

    assert "etcd_backup_drill_interval is '10d'" in problems(etcd_backup_drill_interval="10d")[0]
    assert "etcd_backup_max_age is '1 day'" in problems(etcd_backup_max_age="1 day")[0]
    assert "etcd_defrag_interval is '5h'" in problems(etcd_defrag_interval="5h")[0]
    assert "etcd_defrag_threshold_bytes is -1" in problems(etcd_defrag_threshold_bytes=-1)[0]
    assert "etcd_defrag_threshold_ratio is 1" in problems(etcd_defrag_threshold_ratio=1)[0]
    assert "etcd_defrag_threshold_ratio is 'half'" in problems(etcd_defrag_threshold_ratio="half")[0]


def test_drills_without_backups_and_defragmentation_turned_off_are_not_checked():
    assert problems_of(etcd_backup_enabled=False, etcd_backup_password="", etcd_backup_drill_interval="10d") == []
    assert problems_of(etcd_defrag_enabled=False, etcd_defrag_interval="5h") == []


def problems_of(**changed):
    return maintenance_problems(dict(DRILL_AND_DEFRAG, **changed))


TIMER_PATHS = {"etcd-backup": ["/etc/systemd/system/etcd-backup.service", "/etc/systemd/system/etcd-backup.timer",
                               "/usr/local/sbin/etcd-backup"],
               "etcd-defrag": ["/etc/systemd/system/etcd-defrag.service", "/etc/systemd/system/etcd-defrag.timer",
                               "/usr/local/sbin/etcd-defrag"]}


def on_member(*paths):
    """etcd_host_info's managed_paths: every path of the timers, with the given ones present as files."""
    return [{"path": path, "state": "file" if path in paths else "absent"}
            for timer_paths in TIMER_PATHS.values() for path in timer_paths]


def test_a_first_run_starts_the_wanted_timers_and_removes_nothing():
    plan = timers_plan(TIMER_PATHS, ["etcd-backup"], on_member(), {}, units_written=True)
    assert plan["installed"] == [] and plan["unwanted"] == [] and plan["unwanted_paths"] == []
    assert plan["to_start"] == ["etcd-backup"]
    assert len(plan["absent_paths"]) == 6


def test_a_rerun_starts_only_a_timer_that_is_not_running_and_enabled():
    everything = on_member(*(path for paths in TIMER_PATHS.values() for path in paths))
    timers = {"etcd-backup": {"active": True, "enabled": True}, "etcd-defrag": {"active": True, "enabled": False}}
    plan = timers_plan(TIMER_PATHS, ["etcd-backup", "etcd-defrag"], everything, timers, units_written=False)
    assert plan["to_start"] == ["etcd-defrag"] and plan["absent_paths"] == [] and plan["unwanted"] == []
    # a changed unit starts every wanted timer again, to follow its new calendar
    assert timers_plan(TIMER_PATHS, ["etcd-backup", "etcd-defrag"], everything, timers, True)["to_start"] == [
        "etcd-backup", "etcd-defrag"]


def test_a_timer_turned_off_goes_with_what_it_left_even_half_installed():
    # a run that failed before it wrote the defragmentation units left its script only
    plan = timers_plan(TIMER_PATHS, ["etcd-backup"], on_member(*TIMER_PATHS["etcd-backup"], "/usr/local/sbin/etcd-defrag"),
                       {"etcd-backup": {"active": True, "enabled": True}}, units_written=False)
    assert plan["installed"] == ["etcd-backup", "etcd-defrag"] and plan["unwanted"] == ["etcd-defrag"]
    assert plan["unwanted_paths"] == ["/usr/local/sbin/etcd-defrag"] and plan["to_start"] == []
    assert "/etc/systemd/system/etcd-defrag.timer" in plan["absent_paths"]
