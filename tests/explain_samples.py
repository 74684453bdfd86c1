"""Short made-up articles for the explain and compare tests: a wire story, a paper's rewrite of it that credits the
wire, and an independent report of the same event. No words of the example corpus."""

from __future__ import annotations

import json
from pathlib import Path

WIRE = {
    "title": "Landslide cuts off mountain village of Altbrook",
    "outlet": "Reuters",
    "published": "2025-10-14T07:10:00Z",
    "text": (
        "KERROW, Dunmore (Reuters) - A landslide buried a 200-metre stretch of the Kerrow mountain road early on "
        "Tuesday, cutting off the village of Altbrook and its 1,400 residents, regional officials said.\n\n"
        "Heavy rain had loosened the slope above the road for three days before it gave way shortly after 4 a.m., "
        "according to the Dunmore roads agency.\n\n"
        "No one was hurt, but a delivery van was swept off the road and its driver climbed out unharmed, the "
        "agency said.\n\n"
        '"We expect to reopen one lane within a week if the weather holds," said agency director Marta Quell.\n\n'
        "Engineers will use two excavators to clear the debris and will inspect the slope with drones before any "
        "traffic is allowed back.\n\n"
        "A helicopter will fly food and medicine to Altbrook on Wednesday, the regional governor Piet Oram said.\n\n"
        "The Kerrow road was last closed by a landslide in 2019, when repairs took six weeks."
    ),
}

REWRITE = {
    "title": "Altbrook cut off after landslide buries Kerrow road",
    "outlet": "Lakeside Tribune",
    "published": "2025-10-14T11:45:00Z",
    "text": (
        "The village of Altbrook and its 1,400 residents were cut off on Tuesday after a landslide buried a "
        "200-metre stretch of the Kerrow mountain road, officials in the region said.\n\n"
        "Three days of heavy rain had loosened the slope above the road before it collapsed shortly after 4 a.m., "
        "the Dunmore roads agency said.\n\n"
        "Nobody was injured, although a delivery van was swept off the road and its driver climbed out without a "
        "scratch, according to the agency.\n\n"
        '"We expect to reopen the road within a week," said agency director Marta Quell.\n\n'
        "Engineers plan to clear the debris with two excavators and to inspect the slope using drones before "
        "traffic returns.\n\n"
        "Food and medicine will be flown to the village by helicopter on Wednesday, the regional governor said.\n\n"
        "Reuters contributed to this report."
    ),
}

INDEPENDENT = {
    "title": "Altbrook waits for help as Kerrow road stays blocked",
    "outlet": "Highland Ledger",
    "published": "2025-10-15T09:00:00Z",
    "text": (
        "Residents of Altbrook spent a second night cut off from the valley on Wednesday, after Tuesday's landslide "
        "on the Kerrow mountain road.\n\n"
        "Shopkeeper Ana Lind said the village bakery had run out of flour by midday and that families were sharing "
        "what they had.\n\n"
        "Governor Piet Oram visited the edge of the slide by car and promised that a helicopter would bring "
        "supplies.\n\n"
        "Geologists from Dunmore University warned that the slope could move again if the rain returned at the "
        "weekend.\n\n"
        "The village school has closed until the road reopens, head teacher Joris Veld said."
    ),
}

OTHER_EVENT = {
    "title": "City council approves new cycle lanes",
    "outlet": "Harbourtown Gazette",
    "published": "2024-05-02T10:00:00Z",
    "text": (
        "Harbourtown's city council voted on Thursday to build eight kilometres of protected cycle lanes along the "
        "river by the end of next year.\n\n"
        "The plan, which will cost 3.5 million euros, passed by 21 votes to 9 after a four-hour debate.\n\n"
        "Opponents said the lanes would take parking spaces from shops on Canal Street."
    ),
}


def write(directory: Path, name: str, article: dict[str, str]) -> Path:
    path = directory / f"{name}.json"
    path.write_text(json.dumps(article, ensure_ascii=False), encoding="utf-8")
    return path
