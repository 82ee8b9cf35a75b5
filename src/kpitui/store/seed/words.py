"""The names, companies, products and notes sample rows are drawn from."""

from __future__ import annotations

FIRST_NAMES = (
    "Anna", "Ben", "Clara", "David", "Elena", "Felix", "Greta", "Hannah", "Isaac", "Jonas", "Julia", "Karim",
    "Laura", "Lukas", "Maria", "Marco", "Nina", "Oskar", "Paula", "Priya", "Rafael", "Sara", "Simon", "Sofia",
    "Tobias", "Uma", "Viktor", "Wei", "Yara", "Zoe", "Amir", "Bianca", "Chen", "Diana", "Emil", "Fatima",
    "Georg", "Ines", "Jakob", "Kenji", "Lea", "Mateo", "Noah", "Olivia", "Pedro", "Rosa", "Tariq", "Vera",
)
LAST_NAMES = (
    "Adler", "Becker", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hoffmann", "Ivanova", "Jansen",
    "Keller", "Larsen", "Meyer", "Novak", "Okafor", "Petersen", "Quinn", "Richter", "Schmidt", "Tanaka",
    "Ulrich", "Vogel", "Weber", "Yilmaz", "Zimmermann", "Bauer", "Castillo", "Duarte", "Engel", "Fontaine",
    "Graf", "Horvat", "Ito", "Jovanovic", "Kowalski", "Lindqvist", "Moreau", "Nielsen", "Ortega", "Park",
    "Rossi", "Santos", "Torres", "Varga", "Walsh", "Wagner", "Khan", "Murphy",
)
COMPANY_WORDS = (
    "Northwind", "Bluepeak", "Ironbridge", "Silverline", "Greenfield", "Redwood", "Brightwater", "Stonegate",
    "Clearview", "Highland", "Oakridge", "Summit", "Riverbend", "Lakeside", "Fairhaven", "Goldcrest",
    "Westbrook", "Eastwood", "Harbor", "Pinecrest", "Maple", "Cedar", "Falcon", "Beacon", "Horizon", "Vertex",
    "Nimbus", "Polaris", "Orion", "Atlas", "Zenith", "Keystone", "Cobalt", "Amber", "Granite", "Willow",
    "Sterling", "Crescent", "Meridian", "Evergreen", "Copper", "Lumen", "Quantum", "Nova", "Helix", "Apex",
    "Cascade", "Tidal", "Alder", "Juniper", "Sequoia", "Aurora", "Boreal", "Corvus", "Delta", "Ember",
    "Fjord", "Glacier", "Heron", "Indigo",
)
COMPANY_TRADES = (
    "Logistics", "Foods", "Robotics", "Health", "Energy", "Analytics", "Textiles", "Pharma", "Insurance",
    "Media", "Retail", "Systems", "Engineering", "Construction", "Telecom", "Motors", "Labs", "Software",
    "Consulting", "Chemicals", "Hotels", "Aviation", "Marine", "Packaging", "Furniture", "Optics", "Finance",
    "Agritech", "Security", "Printing",
)
COMPANY_FORMS = ("GmbH", "AG", "Ltd", "Inc", "B.V.", "S.A.", "AB", "Group")
PRODUCTS = (
    "Platform licence", "Analytics add-on", "Reporting suite", "Onboarding package", "Integration bundle",
    "Pilot project", "Data migration", "Premium support", "Training programme", "Workflow automation",
    "Mobile rollout", "Security module",
)
EXPANSIONS = ("Licence expansion", "Renewal", "Upgrade to Enterprise", "Additional seats", "Second region rollout")
SEATS = (10, 25, 50, 100, 250, 500)
TEAM_SEGMENTS = ("Inside Sales", "Mid-Market", "Enterprise")
TEAM_REGIONS = (
    "DACH", "Nordics", "Benelux", "France", "UK & Ireland", "Iberia", "Italy", "CEE", "US East", "US West",
    "US Central", "Canada", "LATAM", "ANZ", "APAC", "India", "Middle East", "Africa",
)

CALL_NOTES = (
    "", "", "Intro call, interested in a pilot", "Discussed pricing for next year", "Asked for a case study",
    "Gatekeeper put me through to the ops lead", "Not a fit right now, call back in spring",
    "Booked a discovery meeting", "Champion wants a demo for the team", "Reviewed renewal terms",
    "Checked in after onboarding", "Budget is frozen until next quarter", "Follow-up on last week's email",
)
VOICEMAIL_NOTES = ("", "Left voicemail", "Left voicemail, will email", "Left voicemail")
NO_ANSWER_NOTES = ("", "", "", "No answer, try Thursday morning")
EMAIL_NOTES = (
    "", "", "Sent case study", "Follow-up after call", "Shared pricing sheet", "Intro email",
    "Sent meeting recap", "Re: contract questions", "Shared customer reference",
)
MEETING_NOTES = (
    "", "Discovery meeting", "Intro meeting with the ops team", "Coffee with champion", "On-site visit",
    "Quarterly business review", "Met the new head of purchasing",
)
DEMO_NOTES = ("", "Product demo for the team", "Demo of the reporting module", "Technical deep dive with IT",
              "Follow-up demo for finance")
PROPOSAL_NOTES = ("Proposal sent", "Revised proposal with volume discount", "Proposal v2 after legal review",
                  "Sent quote")
IDEA_NOTES = (
    "Idea: automate their monthly reporting", "Idea: bundle support with the renewal",
    "Shared a benchmark from a similar customer", "Suggested a cost-saving workflow",
    "Idea: pilot in a second region", "",
)
CSAT_GOOD = ("", "Very responsive", "Solved our issue quickly", "Great understanding of our needs",
             "Helpful demo", "")
CSAT_BAD = ("", "Slow to follow up", "Felt pushy", "Did not answer our question", "")
REVIEW_NOTES = ("", "Strong discovery questions", "Talk less, listen more", "Good objection handling",
                "Missed the next step", "Clear agenda", "Rushed the close", "")
