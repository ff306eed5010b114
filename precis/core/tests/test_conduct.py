from django.urls import reverse


def test_the_code_of_conduct_is_linked_from_every_page_and_says_how_to_appeal(client, db):
    home = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("core:conduct")}"' in home
    response = client.get("/conduct/")
    body = response.content.decode()
    assert response.status_code == 200
    for heading in ("Be kind", "Stay on the paper", "No self-promotion spam", "Credit others",
                    "Reports and moderation", "Appeals"):  # fmt: skip
        assert heading in body
