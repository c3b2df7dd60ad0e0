"""What a failing test shows: what arrived, the closest misses, the seed to repeat it."""

from __future__ import annotations

from tests.testing.conftest import Runner


def test_wait_for_lists_what_arrived_and_the_closest_misses(runner: Runner) -> None:
    runner.makepyfile(
        """
        def test_expects_a_delivery(mockserver_scenario, mockserver_receiver):
            run = mockserver_scenario("sms-not-delivered", pin="failed")
            mockserver_receiver.wait_for("E202", tracking_id=run.tracking_id, timeout="1h")
        """
    )
    result = runner.run("--mockserver-seed=77")
    result.assert_outcomes(failed=1)
    text = result.stdout.str()
    assert "waited 1h of platform time for 1 postback(s) matching code='E202'" in text
    assert "Received 2 postback request(s):" in text
    assert "#1 +" in text
    assert "N201 tracking_id=" in text
    assert "-> 200" in text
    assert "Closest misses:" in text
    assert "#2 N202: code is N202, not E202" in text
    assert "--mockserver-seed=77" in text
    assert "@pytest.mark.mockserver(seed=" in text
    assert "- mockserver -" in text  # the report section


def test_assertion_helpers_fail_with_the_list(runner: Runner) -> None:
    runner.makepyfile(
        """
        import pytest
        from mockserver.testing import ReceiverError

        def test_codes(mockserver_scenario, mockserver_receiver):
            mockserver_scenario("sms-delivered")
            with pytest.raises(ReceiverError) as info:
                mockserver_receiver.assert_codes(["N201", "E202"])
            assert "expected codes ['N201', 'E202'], received ['N201', 'N202']" in str(info.value)
            assert "Received 2 postback request(s)" in str(info.value)

        def test_within(mockserver_scenario, mockserver_receiver):
            run = mockserver_scenario("mms-binary-expired", seed=3)
            mockserver_receiver.assert_within("2h", "N101")
            with pytest.raises(ReceiverError, match=r"within 1m; late: #2 after 1h"):
                mockserver_receiver.assert_within("1m", tracking_id=run.tracking_id)

        def test_duplicates(mockserver_live, mockserver_receiver):
            mockserver_receiver.assert_no_duplicates()
            mockserver_live.send_sms_mo("once")
            first = mockserver_live.postbacks()[0]["id"]
            mockserver_live.platform.replay(first)
            mockserver_live.clock.flush()
            with pytest.raises(ReceiverError, match=r"duplicate postbacks accepted: #2 repeats #1"):
                mockserver_receiver.assert_no_duplicates()

        def test_retries_are_not_duplicates(mockserver_live, mockserver_receiver):
            mockserver_receiver.respond(500, 200)
            mockserver_live.send_sms_mo("retry me")
            mockserver_live.clock.run_until_idle()
            assert [r.status for r in mockserver_receiver.postbacks] == [500, 200]
            mockserver_receiver.assert_no_duplicates()
            assert mockserver_receiver.codes(accepted=False) == ["N211", "N211"]
            mockserver_receiver.assert_codes(["N211"])

        def test_received_and_not_received(mockserver_mo, mockserver_receiver):
            mockserver_mo.send_sms_mo("hello")
            mockserver_receiver.assert_received("N211", TEXT="hello")
            with pytest.raises(ReceiverError, match="TEXT is 'hello', not 'bye'"):
                mockserver_receiver.assert_received("N211", TEXT="bye")
            with pytest.raises(ReceiverError, match="expected no postback matching code='N211'"):
                mockserver_receiver.assert_not_received("N211")
            mockserver_receiver.assert_not_received("N401")
        """
    )
    runner.run("-q").assert_outcomes(passed=5)


def test_a_passing_test_has_no_mockserver_section(runner: Runner) -> None:
    runner.makepyfile(
        """
        def test_ok(mockserver_live):
            pass

        def test_fails_without_the_plugin():
            assert False
        """
    )
    result = runner.run("-rA")
    result.assert_outcomes(passed=1, failed=1)
    assert "- mockserver -" not in result.stdout.str()
