def test_the_counter_counts(live_client):
    with live_client.live("/counter/") as page:
        assert "Clicked 0 times." in page.block("counter")
        page.send("increment")
        page.send("increment", amount=10)
        assert "Clicked 11 times." in page.block("counter")
        page.send("reset")
        assert "Clicked 0 times." in page.block("counter")


def test_every_page_counts_on_its_own(live_client):
    with live_client.live("/counter/") as first, live_client.live("/counter/") as second:
        first.send("increment")
        assert "Clicked 1 time." in first.block("counter")
        assert "Clicked 0 times." in second.block("counter")


def test_a_bad_argument_is_refused(live_client):
    with live_client.live("/counter/") as page:
        page.send("increment", amount="lots")
        assert page.errors[0]["code"] == "bad_arguments"
        assert "Clicked 0 times." in page.block("counter")
