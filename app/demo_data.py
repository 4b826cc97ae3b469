"""The demo's records: past editions with their laureates, the 2013 applicants, the jury and the organiser.

Data only, loaded by app/demo.py. Only the laureates and what the Congress published about the 2013 winners
are real (see the seeds); every other applicant is plainly fictional ("Demo Municipality 7"). What organisers
write (editions, citations) is given in English and in French.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.auth.enums import OrganisationKind
from app.ordinals import ordinal
from app.submissions.enums import ApplicationStatus

# --- Past editions: the laureates of the public record (seeds/past-laureates.md) --------------------------

MUNICIPALITY, REGION = OrganisationKind.MUNICIPALITY.value, OrganisationKind.REGION.value


@dataclass(frozen=True)
class PastEdition:
    ordinal: int
    year: int
    description: str
    description_fr: str
    deadline: date
    ceremony: date
    laureates: tuple[tuple[int, str, str, str], ...]  # (place, name, country, kind)


PAST_EDITIONS = (
    PastEdition(
        1,
        2007,
        "The first edition of the prize, open to municipalities of South-East Europe only.",
        "La première édition du prix, ouverte aux seules municipalités d’Europe du Sud-Est.",
        date(2007, 6, 30),
        date(2007, 10, 24),
        ((1, "Vitez", "BA", MUNICIPALITY), (2, "Banja Luka", "BA", MUNICIPALITY)),
    ),
    PastEdition(
        2,
        2009,
        "The second edition of the prize.",
        "La deuxième édition du prix.",
        date(2009, 6, 30),
        date(2009, 10, 14),
        (
            (1, "Mostar", "BA", MUNICIPALITY),
            (1, "Prijedor", "BA", MUNICIPALITY),
            (2, "Volos", "GR", MUNICIPALITY),
            (3, "Lom", "BG", MUNICIPALITY),
        ),
    ),
    PastEdition(
        3,
        2011,
        "The third edition received 11 applications, judged by a jury of seven members.",
        "La troisième édition a reçu 11 candidatures, évaluées par un jury de sept membres.",
        date(2011, 6, 30),
        date(2011, 10, 19),
        (
            (1, "Jyväskylä", "FI", MUNICIPALITY),
            (1, "Surčin (Belgrade)", "RS", MUNICIPALITY),
            (2, "Southwark (London)", "GB", MUNICIPALITY),
            (3, "Community of Madrid", "ES", REGION),
        ),
    ),
    PastEdition(
        5,
        2015,
        "Applications were made through an online form, until 30 June 2015.",
        "Les candidatures ont été déposées au moyen d’un formulaire en ligne, jusqu’au 30 juin 2015.",
        date(2015, 6, 30),
        date(2015, 10, 21),
        (
            (1, "Ghent", "BE", MUNICIPALITY),
            (2, "Kragujevac", "RS", MUNICIPALITY),
            (2, "Reggio nell'Emilia", "IT", MUNICIPALITY),
            (3, "Madrid", "ES", MUNICIPALITY),
        ),
    ),
    PastEdition(
        6,
        2017,
        "Projects run in 2015 and 2016 were eligible.",
        "Les projets menés en 2015 et en 2016 pouvaient concourir.",
        date(2017, 6, 30),
        date(2017, 10, 19),
        (
            (1, "Şişli", "TR", MUNICIPALITY),
            (2, "Volos", "GR", MUNICIPALITY),
            (3, "Gliwice", "PL", MUNICIPALITY),
        ),
    ),
)

ORDINAL_WORDS = {1: "1st", 2: "2nd", 3: "3rd"}


def edition_name(number: int) -> str:
    return f"{ORDINAL_WORDS.get(number, f'{number}th')} Dosta!-Congress Prize for Municipalities"


def edition_name_fr(number: int) -> str:
    return f"{ordinal(number, 'fr')} Prix Dosta!-Congrès pour les municipalités"


# --- The 2013 edition: its laureates as the Congress described them (seeds/dosta-congress-prize-2013.txt) ---


@dataclass(frozen=True)
class DemoApplicant:
    name: str
    country: str
    kind: str
    email: str
    population: int | None = None
    title: str = ""
    summary: str = ""
    answers: tuple[str, str, str] = ("", "", "")  # Integration, Anti-discrimination, Awareness-raising
    start_year: int | None = None
    fields_of_action: tuple[str, ...] = ()
    beneficiaries: str = ""
    partners: str = ""
    budget_eur: int | None = None
    place: int | None = None  # in 2013
    citation_en: str = ""
    citation_fr: str = ""


OBRNICE = DemoApplicant(
    name="Obrnice",
    country="CZ",
    kind=MUNICIPALITY,
    email="obrnice@demo.test",
    population=2300,
    title="Community life in Obrnice – an integrated approach",
    summary=(
        "Since 2007 the municipality of Obrnice, in the north-west of the Czech Republic, has run several "
        "interlocking projects in education, housing, employment, social services, security and leisure. "
        "About 45% of its 2,300 inhabitants are Roma; Roma and non-Roma residents take part in the "
        "activities together."
    ),
    answers=(
        "The interlocking projects cover education, housing, employment, social services, security and "
        "leisure, so that Roma residents are reached in every part of daily life. The town lives together "
        "without segregation.",
        "Roma and non-Roma residents take part in joint activities. Working side by side breaks down "
        "prejudices and barriers; the town has low crime rates and peaceful co-habitation.",
        "The joint activities give residents a shared sense of belonging to the wider community. The "
        "approach can inspire other towns with similar problems, in the Czech Republic and elsewhere in "
        "Europe.",
    ),
    start_year=2007,
    fields_of_action=("education", "housing", "employment", "health_social", "security", "culture_leisure"),
    beneficiaries="The town's 2,300 inhabitants, about 45% of them Roma.",
    partners="Roma and non-Roma residents of Obrnice.",
    place=1,
    citation_en=(
        "For an integrated approach to community life in which Roma and non-Roma residents share education, "
        "housing, employment, social services, security and leisure activities. Obrnice shows peaceful "
        "co-habitation without segregation and with little crime: a good practice that can inspire other "
        "towns in the Czech Republic and cities and regions across Europe."
    ),
    citation_fr=(
        "Pour une approche intégrée de la vie locale, dans laquelle habitants roms et non roms "
        "partagent l’éducation, le logement, l’emploi, les services sociaux, la sécurité et les "
        "loisirs. Obrnice montre une cohabitation pacifique, sans ségrégation et avec peu de "
        "délinquance\u202f: une bonne pratique qui peut inspirer d’autres villes de République "
        "tchèque, et des villes et régions de toute l’Europe."
    ),
)

HERAKLION = DemoApplicant(
    name="Heraklion",
    country="GR",
    kind=MUNICIPALITY,
    email="heraklion@demo.test",
    population=170000,
    title="Municipal programme for Roma inclusion",
    summary=(
        "Based on the work of the “I am a Roma” Local Action Group, the city of Heraklion on Crete runs a "
        "programme of concrete support: literacy classes for children and adults, seminars for mediators, "
        "a socio-medical centre for Roma issues, and vocational and entrepreneurship training."
    ),
    answers=(
        "Literacy classes for children and adults, vocational and entrepreneurship training, and a "
        "socio-medical centre for Roma issues give Roma residents access to education, work and health care.",
        "Seminars train mediators between Roma families and public services, and school events and "
        "intercultural dialogue events campaign against discrimination.",
        "School events reach children of every background, and intercultural dialogue events bring Roma and "
        "non-Roma residents of the city together.",
    ),
    fields_of_action=("education", "employment", "health_social", "culture_leisure"),
    beneficiaries="Roma children and adults of Heraklion, and the city's schoolchildren.",
    partners="The “I am a Roma” Local Action Group.",
    place=2,
    citation_en=(
        "For a municipal programme for Roma inclusion built on the work of the “I am a Roma” Local Action "
        "Group: literacy for children and adults, mediator seminars, a socio-medical centre, vocational and "
        "entrepreneurship training, and an anti-discrimination campaign that reaches children through school "
        "events and intercultural dialogue."
    ),
    citation_fr=(
        "Pour un programme municipal d’inclusion des Roms fondé sur le travail du groupe d’action "
        "locale «\u202fI am a Roma\u202f»\u202f: alphabétisation des enfants et des adultes, "
        "séminaires de médiateurs, centre médico-social, formation professionnelle et à "
        "l’entrepreneuriat, et une campagne contre la discrimination qui touche les enfants par des "
        "événements scolaires et le dialogue interculturel."
    ),
)

KOCAELI = DemoApplicant(
    name="Kocaeli",
    country="TR",
    kind=REGION,
    email="kocaeli@demo.test",
    title="Regional campaign for Roma education, culture and dialogue",
    summary=(
        "The regional authority of Kocaeli, in western Turkey, pursues a comprehensive approach with "
        "concrete and visible outcomes: education programmes against school drop-out, sports, and cultural "
        "projects that bring Roma and non-Roma together."
    ),
    answers=(
        "Vocational, informal and sports training keep children in school and reduce drop-out. The "
        "programme's projects reach a considerable number of beneficiaries.",
        "The programme looks for local solutions, based on research conducted locally, and involves local "
        "actors (Roma and non-Roma NGOs, local authorities) in a sustainable structure.",
        "An international Roma festival, International Roma Day events, a Roma theatre, a violin orchestra, "
        "music competitions and exhibitions foster intercultural dialogue between Roma and non-Roma.",
    ),
    fields_of_action=("education", "culture_leisure", "participation"),
    beneficiaries="Roma children and families across the region, and the audiences of its cultural events.",
    partners="Roma and non-Roma NGOs and local authorities of the region.",
    place=3,
    citation_en=(
        "For a comprehensive regional programme with concrete and visible outcomes: vocational, informal and "
        "sports training against school drop-out, and cultural projects (an international Roma festival, a "
        "Roma theatre, a violin orchestra) that foster dialogue between Roma and non-Roma, built on local "
        "research and on the involvement of local actors in a sustainable structure."
    ),
    citation_fr=(
        "Pour un programme régional global aux résultats concrets et visibles\u202f: formation "
        "professionnelle, informelle et sportive contre le décrochage scolaire, et projets culturels "
        "(un festival international rom, un théâtre rom, un orchestre de violons) qui favorisent le "
        "dialogue entre Roms et non-Roms. Le programme s’appuie sur des recherches menées sur place et "
        "sur l’implication des acteurs locaux dans une structure durable."
    ),
)

# The fictional applicants: numbered from 4, in twelve more member states (15 countries in all, as in 2013).
_FICTIONAL_COUNTRIES = ("SK", "HU", "RO", "BG", "RS", "HR", "ES", "PT", "IE", "FI", "IT", "AT")
_FICTIONAL_PROJECTS = (
    ("Homework club and school mediators", "education"),
    ("Neighbourhood housing repair programme", "housing"),
    ("Job coaching with local employers", "employment"),
    ("Health mediators in the settlement", "health_social"),
    ("Roma culture week at the town library", "culture_leisure"),
    ("Residents' council for the eastern quarter", "participation"),
    ("Pre-school places for every child", "education"),
    ("Adult literacy evenings", "education"),
    ("Youth football league for all neighbourhoods", "culture_leisure"),
    ("Community safety walks with the local police", "security"),
    ("Vocational training in building trades", "employment"),
    ("Intercultural festival in the market square", "culture_leisure"),
    ("Fair allocation of social housing", "housing"),
    ("Roma history in the school curriculum", "education"),
    ("Mobile health clinic", "health_social"),
    ("Women's catering cooperative", "employment"),
    ("Local media training for young Roma", "participation"),
    ("Music school scholarships", "culture_leisure"),
)
_THEME_WORDS = {
    "education": "schooling",
    "housing": "decent housing",
    "employment": "work",
    "health_social": "health and social services",
    "culture_leisure": "culture and leisure",
    "security": "safety in the neighbourhood",
    "participation": "local decision-making",
}
INELIGIBLE_NUMBER = 20
INELIGIBLE_REASON = (
    "The project had not started by the deadline: the call was for projects already under way, with "
    "results to show."
)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _fictional(number: int) -> DemoApplicant:
    kind = REGION if number % 4 == 1 else MUNICIPALITY
    name = f"Demo {'Region' if kind == REGION else 'Municipality'} {number}"
    title, theme = _FICTIONAL_PROJECTS[(number - 4) % len(_FICTIONAL_PROJECTS)]
    activity = title[0].lower() + title[1:]
    return DemoApplicant(
        name=name,
        country=_FICTIONAL_COUNTRIES[(number - 4) % len(_FICTIONAL_COUNTRIES)],
        kind=kind,
        email=f"{_slug(name)}@demo.test",
        population=(8 + number * 7) * 1000 if kind == MUNICIPALITY else (300 + number * 40) * 1000,
        title=title,
        summary=(
            f"A fictional demo project: {name} runs a {activity} programme with its Roma and non-Roma "
            "residents."
        ),
        answers=(
            f"Fictional demo answer: the {activity} programme improves access to "
            f"{_THEME_WORDS[theme]} for Roma families.",
            "Fictional demo answer: Roma and non-Roma residents plan and run the activities together.",
            "Fictional demo answer: a yearly open day presents the project and Roma culture to the town.",
        ),
        start_year=2008 + number % 5,
        fields_of_action=(theme, "participation") if theme != "participation" else (theme,),
        beneficiaries=f"About {number * 40} residents, most of them Roma (fictional figure).",
        partners="A local Roma association and the regional school authority (fictional).",
        budget_eur=number * 12_500,
    )


FICTIONAL_APPLICANTS = tuple(_fictional(n) for n in range(4, 22))
APPLICANTS_2013 = (OBRNICE, HERAKLION, KOCAELI, *FICTIONAL_APPLICANTS)
# The order of the references: the laureates among the others, as submissions come in.
REFERENCE_ORDER = (
    *FICTIONAL_APPLICANTS[:4],
    OBRNICE,
    *FICTIONAL_APPLICANTS[4:9],
    HERAKLION,
    *FICTIONAL_APPLICANTS[9:13],
    KOCAELI,
    *FICTIONAL_APPLICANTS[13:],
)

# The current edition: a few applications so dashboards have something to show; Obrnice has none yet.
CURRENT_APPLICANTS = (
    (FICTIONAL_APPLICANTS[0], ApplicationStatus.SUBMITTED, 5),  # (applicant, status, days ago)
    (FICTIONAL_APPLICANTS[1], ApplicationStatus.DRAFT, 3),
    (FICTIONAL_APPLICANTS[2], ApplicationStatus.SUBMITTED, 2),
)

JURORS = (
    ("juror1@demo.test", "Juror One", "FR"),
    ("juror2@demo.test", "Juror Two", "DE"),
    ("juror3@demo.test", "Juror Three", "IT"),
    ("juror4@demo.test", "Juror Four", "SE"),
    ("juror5@demo.test", "Juror Five", "PL"),
)
ORGANISER = ("organiser@demo.test", "Demo Organiser")
