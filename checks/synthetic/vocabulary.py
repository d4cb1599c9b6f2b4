"""What the sample draws from: teams, the standard's codes with their shares, words and mistakes.

The words make referral reasons; the mistakes are what careless entry and odd exports put in a
field. Nothing here describes a person.
"""

from __future__ import annotations

TEAMS: dict[str, tuple[float, float, tuple[str, ...]]] = {
    # name: (share of referrals, multiplier on every error rate, outward codes of its area)
    "Cardiff North": (0.17, 1.0, ("CF14", "CF15", "CF23", "CF10")),
    "Swansea East": (0.15, 1.2, ("SA1", "SA6", "SA7", "SA8")),
    "Newport": (0.13, 1.6, ("NP19", "NP20", "NP10", "NP18")),
    "Wrexham": (0.12, 0.8, ("LL11", "LL12", "LL13", "LL14")),
    "Bridgend": (0.12, 3.0, ("CF31", "CF32", "CF33", "CF35")),
    "Powys": (0.11, 1.0, ("LD1", "SY16", "SY21", "NP8")),
    "Gwynedd": (0.10, 0.25, ("LL57", "LL55", "LL54", "LL53")),
    "Ceredigion": (0.10, 0.45, ("SY23", "SA43", "SY25", "SA48")),
}
NO_TEAM_SHARE = 0.003
NO_TEAM_MULTIPLIER = 2.0
FLOOR_ROWS = 1000
"""From this many rows, every injected error occurs at least once, whatever the seed."""

RE_REFERRAL_SHARE = 0.22
WINDOW_DAYS = 427  # about 14 months of referrals before the as-of date
MINUTES_PER_DAY = 1440

GENDER = (("0", 0.015), ("1", 0.49), ("2", 0.49), ("9", 0.005))
ETHNICITY = (
    ("WBRI", 0.78), ("WIRI", 0.005), ("WIRT", 0.002), ("WOTH", 0.04), ("WROM", 0.003), ("MWBC", 0.02),
    ("MWBA", 0.008), ("MWAS", 0.008), ("MOTH", 0.012), ("AIND", 0.008), ("APKN", 0.008), ("ABAN", 0.01),
    ("AOTH", 0.006), ("BCRB", 0.003), ("BAFR", 0.015), ("BOTH", 0.004), ("CHNE", 0.004), ("OOTH", 0.012),
    ("REFU", 0.008), ("NOBT", 0.03),
)
PRIMARY_NEED = (
    ("N0", 0.02), ("N1", 0.55), ("N2", 0.05), ("N3", 0.05), ("N4", 0.12), ("N5", 0.12), ("N6", 0.03),
    ("N7", 0.02), ("N8", 0.02), ("N9", 0.02),
)
OUTCOMES = (("NFA", 0.2), ("IAA", 0.33), ("ASSESS", 0.36), ("S47", 0.11))
ASSESS, S47 = 2, 3  # indices in OUTCOMES
CLOSED_WITHOUT_ASSESSMENT = (("RC7", 0.8), ("RC5", 0.1), ("RC6", 0.04), ("RC9", 0.06))
CLOSED_AFTER_ASSESSMENT = (
    ("RC8", 0.45), ("RC9", 0.3), ("RC7", 0.1), ("RC5", 0.06), ("RC6", 0.03), ("RC3", 0.03), ("RC4", 0.025),
    ("RC1", 0.003), ("RC2", 0.002),
)

# referral_source code: (share, who refers and how they say it)
SOURCES: dict[str, tuple[float, tuple[str, ...]]] = {
    "1A": (0.04, ("A parent says that", "The child's mother says that", "The child's father reports that")),
    "1B": (0.02, ("The child's grandmother reports that", "An aunt is worried that")),
    "1C": (0.01, ("The young person says that", "The young person told us that")),
    "1D": (0.02, ("A neighbour reports that", "A family friend is worried that")),
    "2A": (0.17, ("The school reports that", "The head teacher is concerned that",
                  "The school safeguarding lead reports that")),
    "2B": (0.03, ("The education welfare officer reports that", "The nursery reports that")),
    "3A": (0.05, ("The health visitor reports that", "The health visitor is concerned that")),
    "3B": (0.03, ("The GP reports that", "The family doctor is concerned that")),
    "3C": (0.04, ("The hospital emergency department reports that", "A ward nurse is concerned that")),
    "3D": (0.01, ("The school nurse reports that",)),
    "3E": (0.02, ("The midwife is concerned that", "The dentist reports that")),
    "3F": (0.02, ("The child and adolescent mental health service reports that",
                  "The adult mental health team is concerned that")),
    "4": (0.03, ("The housing officer reports that", "The housing association is worried that")),
    "5A": (0.05, ("A social worker in another team reports that",)),
    "5B": (0.02, ("The youth service reports that", "The family support service is concerned that")),
    "5C": (0.02, ("Another local authority tells us that",)),
    "5D": (0.04, ("The early help hub reports that",)),
    "6": (0.27, ("The police report that", "Police attended the home and report that")),
    "7": (0.03, ("The youth justice service reports that", "The probation service is concerned that")),
    "8": (0.04, ("A voluntary organisation reports that", "A sports coach is worried that")),
    "9": (0.03, ("An anonymous caller says that", "An anonymous letter says that")),
    "10": (0.02, ("A caller reports that",)),
}
# primary_need code -> what the concern is (weights are in PRIMARY_NEED)
CONCERNS: dict[str, tuple[str, ...]] = {
    "N0": ("the family may need some extra support", "the child may need help at home",
           "the parents have asked for advice about the child"),
    "N1": ("the child has unexplained bruising on the arm", "the children are often left at home alone at night",
           "the child said a parent hit them", "the home is dirty and there is little food in the house",
           "the child often arrives at school hungry and unkempt",
           "there was a domestic abuse incident at the home last night",
           "the baby has missed several health appointments", "the child has made a disclosure of abuse"),
    "N2": ("the child has complex health needs and the parents are struggling",
           "the child's autism is putting the family under great strain",
           "the child needs specialist equipment the family cannot get"),
    "N3": ("the mother is unwell and cannot look after the baby", "the father's mental health has got much worse",
           "the only parent has been admitted to hospital", "a parent's drinking is affecting care of the children"),
    "N4": ("the family has been evicted and is sleeping on a friend's floor",
           "the parents have separated and there is serious conflict over contact",
           "a recent bereavement has left the family unable to cope"),
    "N5": ("there are frequent arguments and police call-outs at the home",
           "the parents' drug use is affecting the care of the children",
           "an older sibling is violent towards the younger children"),
    "N6": ("the young person has been arrested for shoplifting with older youths",
           "the young person goes missing overnight and may be exploited",
           "the young person has been carrying a knife at school"),
    "N7": ("the family has no money for food or heating", "the children have no beds and sleep on the floor"),
    "N8": ("the child is living with grandparents after the parents left",
           "the young person has been asked to leave the family home",
           "the parents are abroad and the child is staying with a neighbour"),
    "N9": ("a private fostering arrangement has come to light", "the court has asked for a report about the child",
           "an unaccompanied young person has arrived in the area"),
}
CONTEXTS = ("", "", "", " after a home visit", " following an incident at the weekend", " and asks for advice",
            " this week", " for the second time this month", " and the family agrees to the referral",
            " but the family does not want any help")
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# What careless entry and odd exports put in a field. Padded codes are valid once trimmed.
BLANKS = (None, "", " ", "  ")
UNREADABLE_DATES = ("31/02/2025", "2025-13-01", "00/00/0000", "2025-02-30", "unknown", "TBC", "17.04.2025")
UNREADABLE_DATETIMES = ("31/02/2025 10:15", "2025-13-01 09:30", "2025-04-17 25:10", "unknown", "TBC")
PLACEHOLDER_REASONS = ("n/a", "N/A", "na", "see notes", "See notes", "tbc", "TBC", "tba", "none", "-", ".",
                       "Concerns about neglect", "Police DV notification", "School welfare concern", "Neglect",
                       "Domestic abuse")
BAD_GENDER = ("M", "F", "U", "NA", "3", "male")
BAD_ETHNICITY = ("White British", "WBR", "NA", "W1", "Other")
BAD_SOURCE = ("police", "school", "11", "3G", "NA", "0")
BAD_NEED = ("N10", "NA", "1", "N 4", "Neglect")
BAD_OUTCOME = ("NA", "S17", "CP", "Assessment", "SA")
BAD_CLOSURE = ("RC10", "RC0", "NA", "RC 8", "Closed")
BAD_POSTCODES = ("NFA", "ZZ99 3WZ", "unknown", "CF1O 4AB", "SA 1AB")

ISO, ISO_T, UK = 0, 1, 2
"""How a row's dates are written: 2025-04-17 09:30, 2025-04-17T09:30:00, 17/04/2025 09:30."""
DATE_STYLES = (0.62, 0.18, 0.20)
