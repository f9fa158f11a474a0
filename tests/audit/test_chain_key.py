"""Finding 9 of issue 13: whoever holds the database could rewrite the audit chain and have
`audit_verify` call it intact. Each attack of the issue, tried here."""

import importlib
import io
import json
import logging

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils import translation

from studyportal.audit.keys import audit_key
from studyportal.audit.models import AuditEntry, ChainHead
from tests.factories import ActivityFactory

from .tampering import cut_off_newest, rechain_from


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def chain(branch, recorder):
    """Some entries: an activity created and changed a few times."""
    activity = ActivityFactory(organization=branch, recorded_by=recorder, title="学习")
    for title in ("一改", "二改", "三改"):
        activity.title = title
        activity.save()
    return activity


def newest_seq() -> int:
    return AuditEntry.objects.order_by("-seq").first().seq


def verify() -> str:
    call_command("audit_verify", stdout=(out := io.StringIO()))
    return out.getvalue()


def test_an_untouched_chain_verifies_with_the_key_and_its_checkpoint(chain):
    call_command("audit_checkpoint")
    assert f"Audit chain intact: {newest_seq()} entries verified, 1 checkpoints compared." in verify()


def test_each_entry_carries_a_mac_made_with_a_key_outside_the_database(chain, settings):
    entry = AuditEntry.objects.order_by("seq").first()
    assert len(entry.mac) == 64 and entry.mac != entry.hash
    settings.AUDIT_KEY = "another key"  # the same chain read with another key
    with pytest.raises(CommandError, match="entry #1 was rewritten or re-hashed without the audit key"):
        verify()


def test_the_key_derived_from_secret_key_is_not_secret_key_and_audit_key_overrides_it(settings):
    settings.AUDIT_KEY = ""
    derived = audit_key()
    assert derived != settings.SECRET_KEY.encode() and len(derived) == 32
    settings.SECRET_KEY = "another secret key"
    assert audit_key() != derived
    settings.AUDIT_KEY = "the audit key"
    assert audit_key() == b"the audit key"


def test_an_entry_edited_and_the_rest_re_hashed_without_the_key_is_caught(chain):
    edited = AuditEntry.objects.order_by("seq")[1]
    AuditEntry.objects.filter(seq=edited.seq).update(actor_name="别人")
    rechain_from(edited.seq)  # the project's own hash function, as the attacker did
    with pytest.raises(
        CommandError,
        match=f"entry #{edited.seq} was rewritten or re-hashed without the audit key.*"
        f"Entries #1–#{edited.seq - 1} are intact",
    ):
        verify()


def test_the_newest_entry_deleted_and_the_head_reset_is_caught_by_the_checkpoint(chain):
    call_command("audit_checkpoint")
    last = newest_seq()
    cut_off_newest()
    with pytest.raises(
        CommandError,
        match=f"the chain ends at #{last - 1} but the checkpoint of .* recorded #{last}: "
        f"entries #{last}–#{last} were removed. Entries #1–#{last - 1} are intact",
    ):
        verify()


def test_entries_cut_off_and_new_ones_written_in_their_place_are_caught(chain):
    call_command("audit_checkpoint")
    last = newest_seq()
    cut_off_newest(2)
    chain.title = "后来的修改"
    chain.save()
    chain.title = "又一个"
    chain.save()
    assert newest_seq() == last  # as long as before, every MAC genuine
    with pytest.raises(CommandError, match=f"entry #{last} is not the one the checkpoint of .* recorded"):
        verify()


def test_a_deliberate_restore_is_recorded_and_later_checkpoints_count_again(chain):
    call_command("audit_checkpoint")
    cut_off_newest(2)  # as if a backup of an hour ago had been restored
    call_command("audit_checkpoint", "--restored")
    assert "intact" in verify()
    chain.title = "恢复后的修改"
    chain.save()
    call_command("audit_checkpoint")
    cut_off_newest()
    with pytest.raises(CommandError, match="removed"):
        verify()


def test_the_checkpoint_goes_to_the_file_and_the_log(chain, settings, caplog):
    with caplog.at_level(logging.INFO, logger="studyportal.audit.checkpoint"):
        call_command("audit_checkpoint")
    head = AuditEntry.objects.order_by("-seq").first()
    line = json.loads(settings.AUDIT_CHECKPOINT_FILE.read_text(encoding="utf-8").splitlines()[-1])
    assert (line["kind"], line["seq"], line["mac"], line["count"]) == (
        "checkpoint",
        head.seq,
        head.mac,
        head.seq,
    )
    assert head.mac in caplog.text


def test_an_unreadable_checkpoint_file_is_named(chain, settings):
    settings.AUDIT_CHECKPOINT_FILE.write_text("not json\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 1 of the checkpoint file"):
        verify()


def test_without_a_checkpoint_verify_warns_that_truncation_would_go_unnoticed(chain):
    assert "No checkpoint to compare with" in verify()


def test_the_migration_seals_the_entries_written_before_it(chain):
    AuditEntry.objects.update(mac="")  # as they were before the MAC existed
    migration = importlib.import_module("studyportal.audit.migrations.0004_i13c_entry_mac")
    migration.seal(apps, None)
    assert "intact" in verify()
    assert ChainHead.objects.get().seq == newest_seq()
