"""What the child protection sample draws from: the standard's codes with their shares, timescales and mistakes."""

from __future__ import annotations

REGISTERED_SHARE = 0.7
"""Of the children whose initial conference was held, the share registered (given a plan)."""
ALREADY_REGISTERED_SHARE = 0.015
"""Of the other referrals, the share about a child already on a plan."""
ALREADY_REGISTERED_DAYS = (20, 700)
"""How many days before such a referral the child was registered."""

CATEGORY = (("NEG", 0.45), ("EMO", 0.34), ("PHY", 0.13), ("SAB", 0.07), ("FIN", 0.01))
END_REASON = (("RISK_REDUCED", 0.0), ("LOOKED_AFTER", 0.5), ("MOVED", 0.25), ("AGE_18", 0.08), ("DIED", 0.02),
              ("OTHER", 0.15))
"""Plans that end at a review conference end RISK_REDUCED; the weights are for plans that end between them."""
RISK_REDUCED = 0
ENDING = (0.3, 0.25, 0.12, 0.33)
"""How a plan ends: at its first review, at its second, between conferences for another reason, or not yet."""

LOCATION = (("HOME", 0.7), ("SCHOOL", 0.15), ("OFFICE", 0.09), ("OTHER", 0.06))
SEEN, SEEN_ALONE = 0.93, 0.72
OUTCOME = ("CONTINUE", "END")

VISIT_GAP = (5, 11)
"""Working days between visits, when on time: 5 to 10."""
LATE_VISIT_GAP = (11, 26)
LATE_VISIT = 0.015
CORE_GROUP = (3, 11)
LATE_CORE_GROUP = (11, 21)
FIRST_REVIEW = (70, 90)
"""Calendar days from the initial conference to the first review (3 months is never less than 89)."""
NEXT_REVIEW = (150, 181)
"""Calendar days between later reviews (6 months is never less than 181)."""
LATE_REVIEW = (8, 45)
"""Calendar days a late review is held after its limit."""

BAD_CATEGORY = ("Neglect", "neg", "N", "NEG/EMO", "PA")
BAD_END_REASON = ("Risk reduced", "LAC", "moved", "18")
BAD_YES_NO = ("Yes", "No", "y", "1", "YES")
BAD_LOCATION = ("Home", "HOUSE", "SCH", "Office", "H")
BAD_OUTCOME = ("Continue", "ENDED", "C", "DEREG")
UNKNOWN_PLAN_IDS = ("P0000000", "P1", "CP-00012", "unknown", "P9999999")
