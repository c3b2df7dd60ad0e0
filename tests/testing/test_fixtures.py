"""Every fixture of the plugin, run by pytester in a session of its own."""

from __future__ import annotations

from tests.testing.conftest import Runner


def test_every_fixture_in_a_live_session(runner: Runner) -> None:
    runner.makepyfile(
        """
        import requests

        def test_scenario_reaches_the_receiver(mockserver_scenario, mockserver_receiver):
            run = mockserver_scenario("sms-delivered")
            assert run.states() == {"N201": "delivered", "N202": "delivered"}
            mockserver_receiver.assert_codes(["N201", "N202"], tracking_id=run.tracking_id)
            assert [r.code for r in run.received] == ["N201", "N202"]

        def test_clock(mockserver_scenario, mockserver_clock, mockserver_receiver):
            run = mockserver_scenario("mms-binary-expired", complete=False)
            assert mockserver_receiver.postbacks == []
            start = mockserver_clock.now
            mockserver_clock.advance("5s")
            assert mockserver_clock.now == start + 5
            assert mockserver_receiver.codes() == ["N101"]
            mockserver_clock.run_until_idle()
            assert mockserver_receiver.codes() == ["N101", "N102"]

        def test_mo(mockserver_mo, mockserver_receiver):
            mockserver_mo.send_sms_mo("STOP", sender="15550001111")
            [got] = mockserver_receiver.wait_for("N211")
            assert got.fields["TEXT"] == "STOP" and got.fields["FROM"] == "15550001111"

        def test_moderation(mockserver_live, mockserver_moderation, mockserver_receiver):
            mockserver_live.configure(moderation=True)
            held = mockserver_live.send_mms_mo(["https://example.com/a.jpg"], keyword="PIC")
            assert held["held"] and mockserver_receiver.postbacks == []
            [item] = mockserver_moderation.pending()
            assert item["keyword"] == "PIC"
            mockserver_moderation.approve()
            mockserver_receiver.assert_codes(["N401"])
            mockserver_live.send_mms_mo(["https://example.com/b.jpg"])
            mockserver_moderation.reject()
            mockserver_live.clock.run_until_idle()
            mockserver_receiver.assert_codes(["N401"])

        def test_live_url_serves_the_control_api(mockserver_live, mockserver_seed):
            health = requests.get(mockserver_live.api_url + "/health", timeout=5).json()
            assert health["status"] == "ok" and health["clock"] == "virtual"
            assert mockserver_live.seed == mockserver_seed
        """
    )
    result = runner.run("-q")
    result.assert_outcomes(passed=5)


def test_each_test_starts_clean(runner: Runner) -> None:
    runner.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize("n", range(3))
        def test_isolated(n, mockserver_live, mockserver_receiver, mockserver_moderation):
            assert mockserver_receiver.postbacks == []
            assert mockserver_live.postbacks() == []
            assert mockserver_moderation.items() == []
            assert mockserver_live.settings.moderation is False
            assert mockserver_live.settings.flavor == "skycore-xml"
            mockserver_live.configure(moderation=True, flavor="sinch-json")
            mockserver_live.send_mms_mo()
            mockserver_live.send_sms_mo("hi")
            mockserver_live.scenario("sms-delivered", complete=False)
        """
    )
    runner.run("-q").assert_outcomes(passed=3)


def test_markers_options_and_ini(runner: Runner) -> None:
    runner.makeini(
        """
        [pytest]
        mockserver_revision = sky-b
        mockserver_settings =
            retry_attempts = 1
            retry_interval = 60
        """
    )
    runner.makepyfile(
        """
        import json
        import pytest

        def test_ini(mockserver_live):
            s = mockserver_live.settings
            assert (s.revision, s.retry_attempts, s.retry_interval) == ("sky-b", 1, 60)
            assert s.flavor == "sinch-xml"  # from the command line

        @pytest.mark.mockserver(flavor="sinch-json", moderation=True, seed=42)
        def test_marker(mockserver_live, mockserver_seed, mockserver_receiver):
            assert mockserver_seed == 42 and mockserver_live.settings.moderation
            mockserver_live.scenario("sms-delivered")
            body = json.loads(mockserver_receiver.postbacks[0].body)
            assert mockserver_receiver.postbacks[0].code == "N201" and body

        @pytest.mark.mockserver(revision="sky-legacy")
        class TestClassMarker:
            def test_inherits(self, mockserver_live):
                assert mockserver_live.settings.revision == "sky-legacy"
        """
    )
    runner.run("-q", "--mockserver-flavor=sinch-xml").assert_outcomes(passed=3)


def test_the_same_seed_repeats_the_same_values(runner: Runner) -> None:
    runner.makepyfile(
        """
        def test_ids(mockserver_live, mockserver_seed):
            run = mockserver_live.scenario("mms-binary-delivered")
            mo = mockserver_live.send_mms_mo()
            print("IDS", mockserver_seed, run.tracking_id, run.ids, mo["tracking_id"])
        """
    )
    lines = []
    for _ in range(2):
        result = runner.run("-s", "--mockserver-seed=1234")
        result.assert_outcomes(passed=1)
        lines.append([line.partition("IDS")[2] for line in result.outlines if "IDS" in line])
        assert "mockserver: seed 1234 (repeat with --mockserver-seed=1234)" in result.outlines
    other = runner.run("-s", "--mockserver-seed=99")
    assert lines[0] == lines[1]
    assert lines[0]
    assert [line.partition("IDS")[2] for line in other.outlines if "IDS" in line] != lines[0]


def test_the_real_clock(runner: Runner) -> None:
    runner.makepyfile(
        """
        import pytest

        def test_real(mockserver_live, mockserver_receiver, mockserver_clock):
            assert not mockserver_clock.virtual
            mockserver_live.send_sms_mo("now")  # sent by the engine's own threads
            [mo] = mockserver_receiver.wait_for("N211", timeout=10)
            assert mo.ok
            with pytest.raises(RuntimeError, match="needs the virtual clock"):
                mockserver_clock.advance("1m")
            mockserver_clock.run_until_idle(timeout=10)
        """
    )
    runner.run("-q", "--mockserver-clock=real").assert_outcomes(passed=1)
