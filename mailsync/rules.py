"""Phrase lists and rule tables for the red-flag checker (``mailsync.checker``).

Everything here is data: regular-expression sources (matched against lower-cased text whose curly quotes
are already straightened), the rule table with default points, flag thresholds, and a small domain-term
lexicon for RF7. ``checker`` compiles them once at import.

The phrases describe the *meaning* of each red flag from the article "How To Gracefully Decline A
Networking Request" (red flags 1-7), not the words of any one user or profession: a pitch is a pitch in any
trade, and so is a request for a referral.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """One scoring rule: ``rule_id`` (stable, used in ``[checker] weights``), the flag ``code`` it adds to,
    default ``points`` (float), a one-line ``description`` and, for phrase rules, regex sources.

    ``support`` rules only count when a primary (non-support) rule of the same flag matched, so weak hints
    alone never raise a flag. ``needs_request`` rules only count in sentences that ask something (a
    question, "could you", "would you mind", "I'd love ..."). ``label`` prefixes the evidence
    (e.g. ``asks`` -> ``asks: "..."``).
    """

    rule_id: str
    code: str
    points: float
    description: str
    patterns: tuple[str, ...] = ()
    needs_request: bool = False
    support: bool = False
    label: str = "says"


#: Points a flag needs to fire (overridable with ``[checker] thresholds``).
DEFAULT_THRESHOLDS: dict[str, float] = {
    "RF1": 3.0,
    "RF2": 3.0,
    "RF3": 3.0,
    "RF4": 3.0,
    "RF5": 3.0,
    "RF6": 3.0,
    "RF7": 3.0,
}

# --------------------------------------------------------------------------------------------------
# Shared fragments
# --------------------------------------------------------------------------------------------------

#: A sentence that asks something of the reader (request marker). Used by ``needs_request`` rules.
REQUEST_MARKERS = (
    r"\?",
    r"\b(?:could|would|can|will|might|may) (?:you|we|i)\b",
    r"\bany chance\b",
    r"\b(?:i|we)(?: was| am|'m| were|'re| are)? (?:hoping|wondering)\b",
    r"\b(?:i|we)(?:'d| would) (?:love|like|appreciate|value|welcome|be (?:grateful|thankful|so grateful|"
    r"very grateful|glad if|happy if|delighted if))\b",
    r"\bi'd really (?:love|like|appreciate|value)\b",
    r"\bplease\b",
    r"\bif you (?:could|can|would|have|are|were|'d)\b",
    r"\bis there (?:any )?(?:way|chance)\b",
    r"\bwould it be possible\b",
    r"\bdo you (?:mind|have|know)\b",
    r"\bmind (?:sharing|passing|sending|forwarding|looking|introducing|putting|reviewing|taking|writing|giving)\b",
    r"\bcount on you\b",
    r"\b(?:are|were) you (?:able|willing|open|available|free|around)\b",
    r"\bi need you to\b",
    r"\bkeep me in mind\b",
    r"\blet me know if\b",
    r"\bhoping you\b",
    r"\bwould (?:make|mean) (?:a|all the|such a|a real|a big|a huge) (?:big |huge |real |massive |world of )?"
    r"(?:difference|lot)\b",
    r"\bwould (?:carry (?:a lot of |real |some |great )?weight|go a long way|really help)\b",
    r"\bwould (?:that|this|it) (?:work|be (?:ok|okay|possible|something))\b",
    r"\b(?:shall|should|can|may) i\b",
    r"\b(?:just |only |simply )?needs? your (?:signature|stamp|sign-off|initials|seal|approval|name|"
    r"countersignature)\b",
)

def trie_regex(phrases: tuple[str, ...] | list[str]) -> str:
    """A regex alternation matching exactly ``phrases`` (literal, lower-case), written as a character
    trie ("slide", "slides", "slide deck" -> "slide(?: deck|s)?"), so that the regex engine tries one
    branch per distinct next character instead of every phrase in turn. Greedy: longer phrases first."""
    root: dict[str, dict] = {}
    for ph in phrases:
        node = root
        for ch in ph:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        branches = []
        for ch in sorted(k for k in node if k):
            child = node[ch]
            run = re.escape(ch)
            while len(child) == 1 and "" not in child:  # a chain of single children is one literal
                ((c2, child),) = child.items()
                run += re.escape(c2)
            branches.append(run + emit(child))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return (body if len(branches) > 1 else "(?:" + body + ")") + "?"
        return body

    return emit(root)


def _phrases(text: str) -> tuple[str, ...]:
    """Split a comma-separated phrase list into a tuple (whitespace normalised)."""
    return tuple(" ".join(x.split()) for x in text.split(",") if x.strip())


#: Materials a person might be asked to hand over (RF3 "sharing material", RF2 confidential material).
MATERIAL_PHRASES = _phrases("""
    slide, slides, slide deck, deck, decks, material, materials, guide, guides, template, templates, notes,
    file, files, document, documents, docs, recording, recordings, handout, handouts, workbook, workbooks,
    curriculum, playbook, playbooks, framework, frameworks, worksheet, worksheets, list, lists, contact,
    contacts, spreadsheet, spreadsheets, exercises, resources, report, reports, data, dataset, source code,
    code, design, designs, drawing, drawings, plans, blueprints, syllabus, course work, coursework,
    exam paper, exam papers, recipe, recipes, script, scripts, toolkit, checklist, checklists, questionnaire,
    questionnaires, statement, statements, scores, grades, marks, results, names, dates of birth, records,
    minutes, transcript, transcripts, evidence, case file, case files, contract, contracts, agreement,
    agreements, draft, drafts, brief, briefs, proposal, proposals, bid, bids, quotes, invoices, budget,
    budgets, forecast, forecasts, spec, specs, specifications, source file, source files, photos, videos,
    runbook, runbooks, manual, manuals, handbook, handbooks, policies, procedures, course material,
    course materials, lesson plan, lesson plans, cad file, cad files, interview questions, salary bands,
    salary ranges, salary data, pay bands, pay ranges, pay data, question bank, contact details,
    phone numbers, email addresses, e-mail addresses, home addresses, names and emails, names and e-mails,
    names and addresses, names and numbers, names and phone numbers, client brief, client briefs,
    photographs, sketches, schedules, costing, costings, estimates, site survey, site surveys, surveys
""")
_MATERIAL_WORDS = trie_regex(MATERIAL_PHRASES)
_MATERIAL = f"(?:{_MATERIAL_WORDS})"

# --------------------------------------------------------------------------------------------------
# RF1 selling (article red flag 1): an offering to sell, with little about the recipient
# --------------------------------------------------------------------------------------------------

_PRODUCT_NOUNS = (
    r"(?:platform|product|products|solution|solutions|service|services|tool|tools|app|apps|software|saas|"
    r"system|technology|offering|offerings|agency|marketplace|api|plugin|add-on|membership|memberships|"
    r"subscription|subscriptions|package|packages|plan|plans|bundle|suite|dashboard|widget|network of "
    r"(?:experts|partners|buyers|investors)|done-for-you|white-label|pilot programme|pilot program)"
)

RF1_OFFERING = (
    rf"\bour (?:[\w-]+ ){{0,2}}?{_PRODUCT_NOUNS}\b",
    r"\bwe(?:'re| are) an? (?:[\w-]+ ){0,3}?(?:agency|consultancy|vendor|provider|marketplace|platform|saas company|"
    r"software company|startup|studio|firm) (?:that|which|who|helping|specialising|specializing|for)\b",
    r"\b(?:affiliate (?:programme|program|link)|commission on every (?:sale|referral)|white-label(?:led)? "
    r"(?:solution|version))\b",
    r"\bwe(?:'re| are) (?:now )?offering (?:\w+ ){0,3}?(?:a|an|our|free|discounted|special|exclusive)\b",
    r"\bour (?:clients|customers|users|members|subscribers|partners) (?:pay|see|get|save|report|launch|love|typically|"
    r"usually|average|never|always|gain|grow|achieve|enjoy|receive)\b",
    r"\b(?:coaches|teams|companies|clients|customers|users|businesses|firms|professionals|practitioners|leaders|"
    r"brands|agencies|founders|clinics|schools|studios|shops|restaurants|developers|engineers|lawyers|doctors|"
    r"therapists|consultants|freelancers|creators|authors|trainers|facilitators|recruiters) "
    r"(?:on|using|who use|who join) our\b",
    r"\bwe (?:help|helps|enable|empower|work with|partner with|specialise in helping|specialize in helping) "
    r"(?:\w+ ){0,3}(?:companies|businesses|teams|coaches|professionals|firms|organisations|organizations|brands|"
    r"clients|leaders|founders|practices|people like you|experts like you|consultants|agencies|creators|you)\b",
    r"\bwe(?:'re| are| have)? (?:just |recently )?(?:launch(?:ed|ing)|roll(?:ed|ing) out|introduc(?:ed|ing)|"
    r"open(?:ed|ing)) (?:a|an|our) (?:new |special |dedicated |exclusive )?"
    r"(?:plan|tool|platform|product|app|service|solution|feature|offer|programme|program|package|tier|membership)\b",
    r"\bwe(?:'re| are) onboarding\b",
    r"\bbecome (?:a |an )?(?:certified|accredited|licensed|qualified|registered|chartered)\b",
    r"\b(?:our|my) (?:team|agency|firm|company|startup|studio) (?:can|will) (?:help|handle|take care|build|design|"
    r"deliver|manage|run|create|write|grow|boost)\b",
    r"\bwe (?:offer|provide|deliver|sell) (?:a |an |the )?(?:full|complete|range|suite|bespoke|turnkey|"
    r"done-for-you|white-label|tailored|premium|affordable)\b",
    r"\b(?:i|we) (?:sell|resell|distribute)\b",
    r"\bwhere we take the product\b",
    r"\b(?:the|our) (?:product|platform|tool|app) (?:lets|allows|enables|helps|turns|gives)\b",
    r"\b(?:i|we)(?:'ve| have)? (?:just |recently |now )?(?:launched|started|set up|founded|opened|put together|"
    r"created|developed|built|designed|introduced) (?:a |an |my |our )?(?:new |own |first )?(?:[\w-]+ ){0,3}?"
    r"(?:programme|program|package|packages|service|services|product|range|line|course|app|platform|tool|"
    r"consultancy|offer|bundle|subscription|membership|agency|brand|collection|workshop series|business|"
    r"company|studio|shop|venture|side business|side hustle|service business)\b",
    r"\b(?:it|this|the system|the platform|the tool|the app|the software|the device) (?:connects|integrates|"
    r"plugs|syncs|links) (?:straight |directly )?(?:to|with|into) your\b",
    r"\bwe(?:'re| are) running an? (?:\w+ ){0,2}?(?:trade-in|promotion|promo|special offer|sale|discount|offer)\b",
    r"\b(?:comes?|come) with (?:a |an )?(?:free |built-in |biometric |unlimited |full |lifetime |24/7 |\d+)",
    r"\bfor (?:\w+ )?(?:departments|practices|firms|studios|clinics|hospitals|schools|teams|offices|"
    r"businesses|companies) (?:like yours|of your size|your size)\b",
    r"\b(?:our|my) (?:studio|agency|firm|team|company|business|practice|consultancy|workshop|lab|shop) "
    r"(?:produces|provides|offers|creates|delivers|makes|supplies|specialises in|specializes in|builds|"
    r"designs|installs|manufactures|sells|runs)\b",
    r"\bwe (?:supply|stock|distribute|manufacture|install|resell|sell)\b",
    r"\bcommission (?:for|on) (?:every|each) (?:[\w-]+ )?(?:client|customer|referral|sale|sign-?up|booking)\b",
    r"\b(?:joined|moved to|started at|now at|now with|working for|work for) [\w&.-]+(?: [\w&.-]+){0,3} as "
    r"(?:a |an |their |the )?(?:new )?(?:business development|sales|account|partnerships?|commercial|territory|"
    r"specification|product|area sales|key account) (?:manager|director|executive|lead|rep|representative|"
    r"consultant|specialist)\b",
    r"\b(?:get|have|see) (?:our|the|my) (?:[\w-]+ ){0,2}?(?:specified|on your (?:spec|specification)|into your "
    r"(?:spec|specification))\b",
    r"\b(?:specify|specifying|stock|stocking|use|using|try|trying|switch to|switching to) our (?:[\w-]+ ){0,2}?"
    r"(?:products?|system|range|windows|panels|tiles|materials|cladding|software|service|kit|solution)\b",
)

#: A capitalised name followed by a product verb, e.g. "Acme turns ..." (checked on the original text; the
#: checker keeps it only when the name is part of the sender's domain or the relay headline).
RF1_SELF_PROMO = (
    r"\b([A-Z][\w&-]+(?: [A-Z][\w&-]+)?)(?: AI| HQ| Labs| Ltd| Inc)? (?:turns|handles|books|places|automates|"
    r"supplies|manufactures|stocks|distributes|installs|sells|"
    r"streamlines|runs|lets|helps|delivers|provides|offers|connects|matches|gives|saves|cuts|boosts|builds|"
    r"creates|takes care of|sources|finds|generates|manages|powers|simplifies|tracks|flags|drafts|writes|"
    r"reviews|analyses|analyzes|schedules|sends|transcribes|translates|detects|predicts|monitors|syncs|"
    r"integrates|produces|designs|replaces|speeds up|removes|eliminates|is the (?:only|first|"
    r"leading|easiest|fastest))\b",
    r"\b([A-Z][\w&-]+(?: [A-Z][\w&-]+)?) is (?:a|an|the) (?:[\w-]+ ){0,4}?(?:platform|system|tool|app|software|"
    r"service|solution|product|programme|program|marketplace|device|range|agency|consultancy|studio|"
    r"subscription) (?:for|that|which|built|designed|helping|used by)\b",
)

RF1_PRICING = (
    r"\b(?:pricing|price list|price sheet|rate card|our rates|our fees?|partner rate|special rate|introductory "
    r"rate|founding rate|early-bird rate|discounted|discount|promo code|coupon|per seat|per user|per licen[cs]e)\b",
    r"% (?:off|discount)\b",
    r"\b(?:packages?|plans?|prices?|pricing|subscriptions?|memberships?|fees?|rates?|retainers?) "
    r"(?:start|starts|starting|begin|begins|from|range) (?:at|from)?",
    r"[€$£]\s?\d[\d,.]*k?\s*(?:a|per|/)\s?(?:month|mo|year|yr|seat|user|head|session|week|person|attendee|"
    r"participant|licen[cs]e)\b",
    r"\b(?:eur|usd|gbp|chf|aud|cad) ?\d[\d,.]*k?\s*(?:a|per|/)\s?(?:month|mo|year|yr|seat|user|head|session|week|"
    r"person|attendee|participant|licen[cs]e)\b",
    r"\b(?:placement|set-?up|onboarding|listing|booking|success|agency|management|subscription|membership|"
    r"license|licence|platform|service|joining|enrolment|enrollment|registration) fees?\b",
    r"\bfee is (?:just|only)\b",
    r"\b(?:a|an|the) (?:one-off |one-time |small |modest |nominal |administration |admin |processing |editorial |"
    r"production |marketing |setup |set-up )?(?:fee|contribution|charge) of (?:just |only )?"
    r"(?:€|\$|£|eur|usd|gbp)\s?\d",
    r"\b(?:just|only) \d+ ?% of\b",
    r"\bsend (?:you )?the invoice\b",
    r"\b(?:cost|costs|priced) (?:just|only|from)\b",
    r"\bfor (?:just|only) (?:€|\$|£|eur|usd|gbp)\s?\d",
    r"(?:[€$£¥₹]|\b(?:eur|usd|gbp|chf|aud|cad|nzd|sek|nok|dkk|inr|zar|sgd)\b ?)\s?\d[\d,.]*\s?(?:k|m)?\b"
    r"[^.?!\n]{0,25}?(?:\bper\b \w+|\b(?:a|an|each|every)\b (?:month|year|annum|quarter|term|week|day|night|"
    r"hour|session|seat|user|head|person|attendee|participant|licen[cs]e|student|resident|member|employee|"
    r"pupil|learner|delegate|site|location|unit|box|pack|case|item|copy|square (?:metre|meter|foot)|project|"
    r"visit|class|course|module|lesson|piece|page|room|desk|device|team|image|render|drawing)\b|/\s?"
    r"(?:month|mo|year|yr|quarter|week|day|hour|hr|seat|user|head|sqm|m2|unit|session))",
    r"\d[\d,.]*k?\s?(?:\+|plus|excl\.?|excluding|exc\.?|ex\.?|inc\.?|incl\.?|including) ?\b(?:vat|gst|hst|"
    r"sales tax|tax)\b",
    r"\bper (?:user|seat|licen[cs]e|head|person|member|employee|site|location|device|hood|bed|unit|student|"
    r"pupil|learner|resident) (?:per|a|each) (?:month|year|annum|week|quarter|term)\b",
    r"\b(?:introductory|launch|special|founding|early-bird|early bird|discounted|member|members'|group|bundle|"
    r"list|package|trade|wholesale|volume|partner|preferential|reduced|limited-time|promotional|intro) "
    r"(?:price|prices|pricing|rate|rates|fee|offer|discount|deal|quote)\b",
    r"\bpricing (?:is|starts|begins|depends|will be|works)\b",
    r"\b(?:i|we) (?:can|could|will|would|'ll|'d) (?:invoice|bill) (?:you|your|the)\b",
    r"\d ?% off\b",
    r"\boff (?:the )?list price\b",
    r"\bcost price\b",
    r"\b(?:\d[\d,.]*) (?:euros|dollars|pounds) (?:per|a|each) (?:month|year|head|person|user|seat|session|day|"
    r"hour|week|quarter)\b",
    r"(?:[€$£¥₹]|\b(?:eur|usd|gbp|chf|aud|cad)\b ?)\s?\d[\d,.]*\s?(?:k|m)? (?:each|apiece|a pop|per head)\b",
    r"\b(?:only|just|from|now|at) (?:[€$£¥₹]|eur ?|usd ?|gbp ?)\s?\d",
    r"\b(?:start|starts|starting|begin|begins|range|ranges) (?:at|from) (?:just |only )?(?:[€$£¥₹]|eur ?|"
    r"usd ?|gbp ?)\s?\d",
    r"\b(?:we|they|i) (?:take|charge|keep|retain|earn) (?:a |an |just a |only a )?(?:\d+ ?% |small |modest )?"
    r"(?:commission|cut|fee|percentage|margin)\b",
    r"\d ?% (?:commission|fee|cut|margin|booking fee|platform fee)\b",
)

RF1_CTA = (
    r"\b(?:demo|demos|demonstration|product tour|free trial|trial period|trial account|sandbox account)\b",
    r"\bfree (?:\d+[- ](?:day|week|month)s? |one-month |two-week )?(?:consultation|audit|"
    r"assessment|strategy session|discovery call|month|months|week|weeks|sample|account|version|tier|pilot|trial|"
    r"demo|evaluation)\b",
    r"\bjoin (?:my|our) (?:team|network|programme|program|community)\b[^.?!\n]{0,40}?\b(?:income|boss|earn|free)\b",
    r"\b(?:months?|weeks?|days?) (?:free|for free|at no cost|at no charge|on us|on the house)\b",
    r"\bat no (?:cost|charge) (?:when|if|for (?:your|the) first)\b",
    r"\bcan i send (?:you|over)(?: a| an| our| some| you)? (?:\S+ ){0,3}?(?:overview|brochure|deck|sample|"
    r"case stud(?:y|ies)|pricing|proposal|one-pager|one pager|info pack|media kit|details|information|examples?|"
    r"portfolio|price list|quote|video|link)\b",
    r"\b(?:happy|glad) to send (?:you |over )?(?:a |an |our |some )?(?:\S+ ){0,2}?(?:overview|brochure|sample|"
    r"case stud(?:y|ies)|pricing|proposal|one-pager|info pack|price list|quote)\b",
    r"\bworth a (?:look|try|chat|conversation|quick call|quick look)\b",
    r"\b(?:interested in|open to) (?:learning|hearing|seeing) (?:more|how)\b",
    r"\bwant to (?:learn|hear|see) more\b",
    r"\b(?:reply|respond|answer) (?:with )?[\"']?yes\b",
    r"\breserve (?:your|a) (?:seat|spot|place|slot)\b",
    r"\b(?:sign up|signup|get started|claim your|start your (?:free )?trial|book (?:a|your) (?:slot|spot|call|"
    r"session|demo)|schedule (?:a|your) (?:demo|call|consultation))\b",
    r"\b(?:i'd|i would|we'd|we would) love to (?:show|walk) you\b",
    r"\bshow you (?:how|around|what we)\b",
    r"\blet me know if you(?:'d| would) like (?:to see|a demo|more info|a quote|a proposal|pricing|a sample)\b",
    r"\b(?:offer|offering) this to\b",
    r"\b(?:enrol|enroll|register|sign up|apply|book|order|buy|subscribe) (?:now|today|here|online)\b",
    r"\b(?:see|explore) (?:if|whether) (?:there'?s|there is|we(?:'re| are)) (?:a )?(?:good )?(?:fit|match|synergy)\b",
    r"\b(?:book|grab|steal) (?:\d+|a few|some|a) (?:minutes?|time|slot) (?:on|in|from) your (?:calendar|diary)\b",
    r"\b(?:my|our) (?:calendar|booking) link\b",
    r"\b(?:send|share|forward|drop|post|mail|courier|bring|email|e-mail|pass) (?:you |over |across |along |"
    r"round |on )?(?:a |an |the |our |my |some |free |a free |a copy of (?:the |our )?)?(?:[\w-]+ ){0,2}?"
    r"(?:brochure|brochures|catalogue|catalog|sample pack|sample kit|samples|swatch(?:es)?|price list|rate card|"
    r"prospectus|lookbook|spec sheets?|data ?sheets?|media kit|info pack|one-pager|sales deck|product sheet|"
    r"product guide|information pack|welcome pack)\b",
    r"\b(?:send|share|show) (?:you |over )?our (?:\w+ )?(?:portfolio|showreel|case studies|credentials|work)\b",
    r"\b(?:shall|should|can|may) i (?:send|prepare|put together|draw up|pull together|email) (?:you |over )?"
    r"(?:a|an|our|the|some|a couple of|a few) (?:[\w-]+ ){0,2}?(?:quote|quotation|proposal|estimate|brochure|"
    r"overview|pricing|samples?|trial|demo|order|contract|agreement|invoice|examples|case studies|portfolio)\b",
    r"\b(?:book|arrange|schedule|set up|organise|organize) (?:a|an|your) (?:free |quick |short |no-obligation )?"
    r"(?:site survey|showroom visit|tasting|fitting|walkthrough|walk-through|product tour|trial|sample "
    r"delivery|consultation|assessment|survey)\b",
    r"\b(?:quick |short |live |brief )?(?:walkthrough|walk-through)\b",
    r"\bfree (?:installation|delivery|shipping|samples?|sample pack|set-?up|onboarding|site survey|quote|"
    r"estimate|access|upgrade|consultation|audit|review call)\b",
    r"\b(?:visit|tour) (?:our|the) (?:showroom|factory|studio showroom|experience centre|demo centre)\b",
    r"\bset up an? (?:trial|pilot|demo|sandbox|test) (?:workspace|account|site|environment)\b",
    r"\b(?:interested|keen) in (?:a|an|our) (?:free )?(?:trial|demo|pilot|sample|quote|partnership|package)\b",
    r"\b(?:get|claim|grab|earn|secure) your (?:[\w-]+ ){0,3}?(?:diploma|certificate|certification|credential|"
    r"badge|accreditation|degree|copy|discount|trial|free \w+)\b",
    r"\b(?:visit|trip|tour) (?:to|of|round|around) (?:our|the) (?:showroom|factory|studio|workshop|warehouse|"
    r"experience centre|demo centre)\b",
    r"\b(?:book|reserve|secure|order|buy|grab|claim) your (?:[\w-]+ ){0,2}?(?:stand|place|seat|spot|ticket|tickets|"
    r"copy|slot|table|booth|pitch)\b",
    r"\b(?:free |accredited |approved |certified |riba-approved |cpd-accredited )*(?:cpd|lunch and learn|"
    r"lunch-and-learn|lunch & learn|lunchtime) (?:seminar|session|presentation|talk|event|workshop)\b",
    r"\b(?:come|pop|drop) (?:in|over|by|round|into your (?:studio|office|practice|clinic|school)|to your "
    r"(?:studio|office|practice|clinic|school)) (?:and|to) (?:present|deliver|show|run|demonstrate|walk)\b",
    r"\b(?:drop|bring|leave|send) (?:off |over |round )?(?:some |a few |a box of |a set of )?samples\b",
)

RF1_PAY_TO_PLAY = (
    r"\b(?:speaker|speaking|sponsor|sponsorship|exhibitor|participation|nomination|entry|listing|feature|"
    r"featured|award|registration|presenter|panellist|panelist|delegate|inclusion|publication) "
    r"(?:package|packages|fee|fees|contribution|investment)\b",
    r"\b(?:pay|paid|payment|fee|cost) (?:for|of) (?:the |your )?(?:trophy|award|listing|feature|placement|"
    r"badge|certificate|slot|stage time|speaking slot|profile|inclusion|publication)\b",
    r"\b(?:winners?|honou?rees|speakers|finalists|nominees|experts|contributors|members) (?:pay|are asked to pay|"
    r"cover|contribute|purchase)\b",
    r"\b(?:purchase|buy|order) (?:the |your )?(?:trophy|award|plaque|certificate|listing|feature|profile|badge|"
    r"speaking slot|stage slot)\b",
    r"\bcontribut(?:e|ion of) (?:€|\$|£|eur|usd|gbp)\s?\d",
    r"\bto (?:confirm|secure|reserve|guarantee) your (?:place|spot|slot|seat|listing|award|feature|nomination)\b"
    r"[^.?!\n]{0,80}(?:€|\$|£|\beur\b|\busd\b|\bgbp\b|package|fee|invoice|payment)",
    r"\b(?:faculty|partnership|partner|exhibition|stand|booth|table|advertorial|editorial|contributor|"
    r"membership|showcase|directory|profile|spotlight) (?:package|packages|fee|fees|contribution|tier|tiers)\b",
    r"\bto (?:confirm|secure|reserve|guarantee|activate|publish) (?:your|the) (?:\w+ ){0,2}?(?:slot|place|spot|"
    r"seat|listing|feature|award|nomination|profile|article|interview|stand|membership)\b[^.?!\n]{0,60}?"
    r"\b(?:choose|select|purchase|buy|pay|book|complete (?:the |your )?payment)\b",
    r"\b(?:we|they) ask (?:all )?(?:our )?(?:speakers|contributors|featured \w+|partners|honou?rees|winners|"
    r"nominees|members|experts) to (?:cover|contribute|pay|purchase|buy|secure|invest)\b",
)

#: Money that flows to the reader (an honorarium, a salary, a waived fee): not a price they are asked to pay.
RF1_PAID_TO_USER = (
    r"\b(?:waived?|honorarium|honoraria|salary|compensation|base pay|pay range|stipend|travel and accommodation|"
    r"at our expense|our budget|the budget|budget is)\b",
    r"\bwe (?:cover|pay|will pay|'ll pay|can offer|could offer|would offer|will offer|can pay|could pay|would pay)\b",
    r"\bno (?:cost|fee|charge) (?:to|for) you\b",
    r"\bfree of charge for you\b",
    r"\byou(?:'ll| will) be paid\b",
    r"\byour (?:fee|fees|rate|rates|usual rate|day rate)\b",
    r"\bexpenses (?:are )?(?:covered|paid)\b",
)

RF1_INVESTMENT = (
    r"\bguaranteed (?:\d+(?:\.\d+)? ?% )?(?:\w+ )?(?:return|returns|yield|profit|income|roi|payout)\b",
    r"\b\d+(?:\.\d+)? ?% (?:annual|monthly|yearly|fixed|guaranteed) (?:return|yield|roi|interest)\b",
    r"\bminimum (?:ticket|investment|buy-in|stake|commitment) (?:is|of)\b",
    r"\b(?:investment|investing) opportunity\b",
    r"\bearly (?:partners|investors|backers) (?:receive|get|earn)\b",
    r"\b(?:presale|pre-sale|token sale|ico)\b",
    r"\b(?:returns?|yield|irr) of (?:up to |over |at least )?\d+",
    r"\btarget(?:ed|ing)? (?:\d+ ?% )?(?:returns?|irr|yield)\b",
    r"\b(?:get|getting) in early\b",
    r"\b(?:passive income|residual income|be your own boss|ground floor opportunity|side hustle|financial freedom|"
    r"work from home opportunity|earn (?:extra )?(?:money|income|cash) from home)\b",
)

RF1_FLATTERY = (
    r"\bcongratulations\b",
    r"\byou(?:'ve| have) been (?:selected|shortlisted|chosen|nominated|recognised|recognized|hand-picked|"
    r"handpicked|identified)\b",
    r"\b(?:selected|shortlisted|chosen|nominated) (?:you )?(?:as|for) (?:a |an |one of )?(?:our )?"
    r"(?:featured|top|leading)\b",
    r"\bas a (?:featured|valued|select|selected) (?:practitioner|member|expert|leader|speaker|professional)\b",
    r"\byou qualify for\b",
    r"\btop (?:voices?|\d+|experts?)\b",
)

RF1_URGENCY = (
    r"\b(?:closes|ends|expires|expiring) (?:on |this |at |in )?(?:today|tonight|tomorrow|soon|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|midnight|\d)",
    r"\b(?:places|spots|seats|slots|spaces) are (?:limited|filling)\b",
    r"\blimited (?:places|spots|seats|time|availability|offer|number)\b",
    r"\bonly \d+ (?:places|spots|seats|slots|spaces) (?:left|remaining)\b",
    r"\b(?:act|book|register|enrol|enroll|sign up|reply) (?:now|today|fast|quickly)\b",
    r"\bbefore it opens to\b",
    r"\b(?:first come|first-come|in order of (?:confirmation|payment|booking))\b",
    r"\b(?:enrolment|enrollment|registration|offer|early-bird|early bird) (?:closes|ends|deadline)\b",
)

RF1_RESULTS = (
    r"\b(?:cut|cuts|reduce|reduces|boost|boosts|increase|increases|double|doubles|triple|triples|grow|grows|"
    r"save|saves|lift|lifts|improve|improves)\b[^.?!\n]{0,40}?\bby (?:up to )?\d+ ?%",
    r"% (?:more|fewer|faster|less|higher|lower|increase|growth|uplift)\b",
    r"\baverage (?:of )?\d+ (?:new|more|extra|additional|qualified)\b",
    r"\b(?:typically|usually|often) (?:see|get|land|close|book|double)\b",
    r"\bhelps? (?:you|them|coaches|teams|companies|clients|trainers|businesses|professionals|practitioners|"
    r"facilitators|firms|brands) (?:to )?(?:win|grow|save|get|land|close|scale|attract|double|find|book|"
    r"build|increase|boost)\b",
    r"\bin (?:just|only|under|less than) (?:\d+|a few|five|ten|two|three) (?:minutes|hours|days|weeks)\b",
    r"\broi\b",
    r"\b(?:more|new) (?:clients|customers|leads|bookings|revenue|sales|enquiries|inquiries|signups)\b",
    r"\b(?:qualified|warm) (?:leads|meetings|calls|prospects|discovery calls)\b",
    r"\bbuild (?:your )?authority\b",
    r"\b(?:in half|by half|halves|doubles|triples)\b",
    r"\b(?:typically|usually|on average) (?:save|saves|cut|cuts|reduce|see|get|gain|grow|win|double|earn)\b",
    r"\b(?:save|saves|saving|cut|cuts|reduce|reduces) (?:\w+ ){0,3}?\d+ ?%",
)

RF1_FOLLOW_UP = (
    r"\b(?:as promised|following up on (?:our|my)|as discussed|as we discussed|per our (?:conversation|chat|"
    r"call|discussion)|great (?:connecting|chatting|meeting you|to meet you|speaking)|circling back|bumping this|"
    r"just checking in on my|further to our (?:conversation|chat|call)|following our (?:conversation|chat|call)|"
    r"picking up (?:on|from) our|lovely to meet you at)\b",
)

RF1_DISGUISED = (
    r"\bpick your brain\b",
    r"\byour (?:current )?(?:process|workflow|setup|set-up|stack|tooling|tools)\b",
    r"\bhow you (?:currently )?(?:collect|manage|handle|track|measure|run|do|source|find|handle)\b",
    r"\bhow (?:does|do) (?:your|you) (?:\w+ )?(?:currently )?(?:handle|manage|do|track|run|deal with|approach|"
    r"measure)\b",
)

# --------------------------------------------------------------------------------------------------
# RF2 reputation / ethics (article red flag 2)
# --------------------------------------------------------------------------------------------------

RF2_CONFIDENTIAL_ASK = (
    r"\bwhat (?:the )?(?:other|competing|rival) (?:bidders|candidates|applicants|vendors|suppliers|firms|"
    r"agencies|companies|bids|tenderers|contractors|consultants) (?:have |had )?(?:quoted|bid|offered|proposed|"
    r"charged|submitted|asked for|priced)",
    r"\b(?:other|competing|rival|competitors'?) (?:bids|quotes|tenders|proposals|pricing|offers|submissions)\b",
    r"\b(?:send|share|forward|show|give|pass|leak|get) (?:me |us )?(?:a copy of )?(?:the |your |any )?"
    r"(?:\w+ ){0,2}?(?:confidential|internal|proprietary|privileged|classified|unpublished|embargoed|"
    r"non-public|insider)\b(?! (?:referral|candidate|role|position|opening|transfer|application|vacanc|job|"
    r"newsletter|event|meetup|talk))",
    r"\b(?:confidential|internal|proprietary|privileged|insider|non-public|embargoed) (?:information|details|"
    r"figures|numbers|documents?|materials?|data|report|pricing|salary|salaries|results|strategy|plans)\b",
    r"\b(?:exam|test|interview|assessment|audit) (?:questions|answers|papers?) "
    r"(?:in advance|beforehand|ahead of|early)\b",
    r"\b(?:salary|salaries|pay) (?:of|for) (?:your|the|their) (?:colleagues|team|staff|employees|peers)\b",
    r"\b(?:interview|exam|test|assessment|coding challenge|case study|take-home)(?: [\w-]+)? "
    r"(?:questions|answers|solutions|tasks|problems)\b[^.?!\n]{0,60}?\b(?:before|ahead of|prior to) "
    r"(?:my|the|our) (?:interview|onsite|on-site|exam|test|assessment|round)\b",
    r"\b(?:confidential|internal|proprietary|privileged|unpublished|embargoed|non-public|restricted) (?:\w+ )?"
    r"(?:drawings?|plans|designs?|specs?|specifications|files?|fee proposals?|tender documents?|bid documents?|"
    r"cost comparisons?|costings?|minutes|board papers|formulary|contract terms|price list|pricing model|"
    r"rates|figures|numbers|roadmap|forecasts?|valuations?)\b",
    r"\b(?:contract|negotiated|discounted|net|confidential) (?:price|prices|pricing|rate|rates|terms) "
    r"(?:you|your [\w-]+|they|the [\w-]+|[A-Z]?[\w.-]+ (?:currently )?)(?:currently )?(?:pay|pays|paid|get|gets|"
    r"got|agreed)\b",
    r"\b(?:committee|board|panel|council|competitor|competitors|client|employer|firm|company|hospital|"
    r"practice|department)'s (?:internal|confidential|private|draft|unpublished) \w+",
    r"\bhow (?:much|many) (?:the |your )?(?:other|competing|rival) (?:\w+ )?(?:bidders|firms|practices|"
    r"applicants|suppliers|vendors) (?:quoted|bid|charged|offered|proposed)\b",
    r"\bwhat (?:the )?(?:other|competing|rival) (?:practices|studios|suppliers|contractors|tenderers|teams|"
    r"clinics|agencies|architects|designers|providers|firms|shortlisted \w+) (?:have |had )?(?:quoted|bid|"
    r"offered|proposed|charged|submitted|priced|asked for)",
    r"\b(?:fees?|prices?|quotes?|bids?|rates?|figures?|numbers?|offers?) (?:that |which )?(?:the )?(?:other|"
    r"competing|rival) (?:[\w-]+ ){0,4}?(?:put in|quoted|bid|submitted|charged|offered|proposed|tendered)\b",
)

RF2_SECRECY = (
    r"\b(?:stays?|keep (?:it|this)|remain|between) (?:strictly )?(?:between (?:us|you and me|the two of us)|off "
    r"the record|under wraps|quiet|confidential|our little secret)\b",
    r"\b(?:wouldn'?t|won'?t|will not|would not|never|don'?t need to|no need to) (?:mention|say|tell (?:anyone|them)|"
    r"reveal|disclose|credit|let (?:anyone|them) know) where (?:they|it|this|these) (?:came|come) from\b",
    r"\bwithout (?:them|anyone|your client|the client|my employer|my boss|my manager) (?:knowing|finding out)\b",
    r"\bno one (?:needs|has) to know\b",
    r"\b(?:won'?t|will not|wouldn'?t|would not|without) (?:credit(?:ing)?|attribut(?:e|ing)|nam(?:e|ing)|"
    r"mention(?:ing)?) (?:you|the source|the author|where)\b",
    r"\b(?:no need to|don'?t need to|needn'?t|without) (?:tell(?:ing)?|inform(?:ing)?|let(?:ting)? (?:them|anyone) "
    r"know|mention(?:ing)?(?: it)? to) (?:them|anyone|your clients?|the client|your employer|your boss|hr|"
    r"the panel|the board|your manager)\b",
    r"\b(?:secret|undisclosed|hidden|quiet) (?:commission|fee|payment|arrangement|deal)\b",
    r"\bnobody (?:needs|has) to know\b",
    r"\b(?:no one|nobody|none of them|no-one)(?: \w+){0,4} (?:needs|has|have|need) to (?:know|find out|hear)\b",
    r"\b(?:they|patients|clients|customers|members|residents|tenants|parents|students|participants|the panel|"
    r"the board|your (?:client|boss|employer|firm)) (?:won'?t|will never|wouldn'?t|would never|don'?t need to|"
    r"needn'?t) (?:ever )?(?:know|find out|be told|notice|need to know)\b",
    r"\b(?:keep|keeping) (?:it|this|that|my name|me|the source|where it came from) (?:out of|off) (?:it|the "
    r"record|the paperwork|the file|the email|writing)\b",
    r"\b(?:i'?ll|i will|we'?ll|we will|i'?d|i would) keep (?:it|them|this|these|that|everything) to (?:myself|"
    r"ourselves)\b",
    r"\b(?:it|this|they|that) (?:won'?t|will not|wouldn'?t|would not|need not|needn'?t) (?:ever )?go (?:any )?"
    r"further\b",
    r"\bfor (?:my|our) eyes only\b",
    r"\b(?:they|patients|clients|customers|members|residents|tenants|parents|students|participants|your "
    r"(?:clients|customers|patients|members|students|boss|employer|firm)) (?:never|won'?t ever|don'?t ever) "
    r"(?:need to |have to )?(?:know|find out|hear)\b",
    r"\b(?:no one|nobody|no-one) (?:will|would|is going to|'s going to) (?:ever )?(?:check|notice|know|find out|"
    r"ask|look|question it)\b",
)

RF2_CLIENT_MATERIAL = (
    rf"\b{_MATERIAL}(?: and (?:\w+ ){{0,2}}?{_MATERIAL})? (?:that |which )?(?:you|you've) (?:built|created|made|"
    r"developed|designed|prepared|wrote|written|produced|put together|used) for (?!(?:the |a |our |your )?"
    r"(?:conference|talk|event|meetup|webinar|public|guild|community|class|course|audience|students|blog|"
    r"newsletter|podcast|website)\b)(?:a |your |the |one of your )?(?:client|clients|customer|employer|[a-z][\w-]+)\b",
    rf"\b(?:client|clients'|client's|customer|customer's|employer's|company's) (?:{_MATERIAL_WORDS}|ip|"
    r"intellectual property)\b",
    rf"\b{_MATERIAL} (?:that |which )?(?:you|your team|your firm|your practice|your office|you and your "
    r"team) (?:did|drew|drafted|ran|delivered|prepared|produced|made|designed|wrote|created|developed|built) "
    r"(?:for|on) (?:the |a |your |one of your )?(?:\w+ )?(?:client|clients|customer|employer|competitor|"
    r"previous|former|old|last|[\w-]+'s)\b",
    rf"\b{_MATERIAL} (?:from|of|belonging to) (?:your|the|a|that) (?:previous |former |old |last |current |"
    r"other )?(?:client|clients|employer|firm|practice|company|competitor|job|project|scheme|commission|contract)\b",
    rf"\b(?:your|the|a) (?:previous |former |old |last |current |other )?(?:employer|firm|practice|company|"
    rf"client|competitor|rival)(?:'s|s') (?:\w+ ){{0,2}}?{_MATERIAL}\b",
)

RF2_BYPASS = (
    r"\b(?:skip|bypass|get around|go around|jump|sidestep|avoid|circumvent|shortcut|cut) (?:the )?(?:formal |usual "
    r"|normal |official |standard |whole |online |public )?(?:application|hiring|interview|recruitment|recruiting|"
    r"tender|procurement|selection|approval|admissions?|vetting|screening|queue|waiting list|line|assessment|"
    r"coding (?:test|challenge)|background check|technical (?:test|interview)|exam)\b",
    r"\bwithout (?:going through|applying|an interview|interviewing|the (?:interview|application|tender|"
    r"selection))\b",
    r"\b(?:fast-?track|slip|sneak|wave) me (?:past|through|in)\b",
    r"\b(?:hire|shortlist|accept|admit) me (?:directly|without)\b",
    r"\boutside (?:the|your) (?:official |formal )?(?:hiring|tender|procurement|application) process\b",
    r"\b(?:straight|directly) (?:to|onto) (?:the )?(?:top of the pile|final round|shortlist|offer stage)\b",
    r"\b(?:to|on) (?:the )?top of the (?:pile|stack|list|queue)\b",
    r"\b(?:don'?t|do not|wouldn'?t|would rather not|rather not) (?:want to |have to )?(?:go|going) through (?:the |a |"
    r"an )?(?:online |formal |official |usual |normal |whole |standard )?(?:application|hiring|interview|"
    r"recruitment|selection|tender|assessment|process)\b",
    r"\b(?:skip|bypass|get around|go around|sidestep|avoid|circumvent|jump) (?:the )?(?:\w+ )?(?:tender|"
    r"procurement|planning|permit|inspection|building control|sign-off|approval|competitive|bidding|"
    r"accreditation|credentialing|licensing|registration) (?:process|stage|rules|queue|round|requirements?)?\b",
    r"\b(?:have|put in|drop) a (?:quiet |private |discreet |friendly )?word (?:with|in the ear of) (?:the )?"
    r"(?:panel|committee|judges|jury|selection|assessors?|inspector|planning officer|board|interviewers?|"
    r"hiring manager|decision-makers?)\b",
    r"\b(?:fast-?track|push through|wave through|rubber-?stamp|nod through) (?:my|our|the|his|her|their) "
    r"(?:\w+ )?(?:application|permit|planning|approval|sign-off|licen[cs]e|bid|tender|appointment|hire)\b",
    r"\b(?:put|get|move|slip) (?:my|our|his|her|their) (?:name|application|cv|bid|tender|proposal|submission) "
    r"(?:straight )?(?:to the top|on the shortlist|through|ahead)\b",
    r"\b(?:influence|sway|lean on) (?:the )?(?:panel|committee|judges|jury|selection|assessors|inspector|"
    r"planning officer|board|decision)\b",
    r"\b(?:have|put in|drop) a (?:quiet |private |discreet |friendly )?word (?:with|in the ear of) (?:the )?"
    r"(?:[\w-]+ )?(?:panel|committee|judges|jury|assessors?|inspector|officer|board|interviewers?|manager|"
    r"decision-makers?|recruiters?)\b",
    r"\b(?:skips?|skipping|skipped|bypass(?:es|ing|ed)?|jumps?|jumping) (?:the )?(?:[\w-]+ )?(?:application|"
    r"hiring|interview|recruitment|selection|screening|assessment|tender|procurement|shortlisting) "
    r"(?:round|stage|process|queue|step)?\b",
)

RF2_FAKE_ENDORSEMENT = (
    r"\b(?:you )?(?:haven'?t|have not|hadn'?t|never|didn'?t|did not) (?:yet )?(?:had (?:a|the) chance to |got "
    r"round to |gotten around to )?(?:take|taken|try|tried|use|used|read|seen|attended|attend|worked with|work "
    r"with|met|experienced|finished|completed|watched|tested|visited|stayed|eaten)\b[^.?!\n]{0,80}?"
    r"(?:testimonial|review|quote|endorse|recommend|blurb|rating|lines|stars)",
    r"\b(?:testimonial|review|quote|endorsement|recommendation|blurb)s?\b[^.?!\n]{0,80}?(?:haven'?t|have not|"
    r"never|didn'?t|did not) (?:yet )?(?:had (?:a|the) chance to )?(?:take|taken|try|tried|use|used|read|seen|"
    r"attended|worked with|met)\b",
    r"\b(?:drafted|written|wrote|prepared) (?:\w+ ){0,3}(?:lines?|quotes?|reviews?|testimonials?|"
    r"recommendations?|endorsements?|blurbs?|statements?) (?:that )?(?:you|for you) (?:could|can|to|would) "
    r"(?:simply |just )?(?:approve|sign|post|copy|paste|send|put your name)\b",
    r"\b(?:five|5)(?:-| )star (?:review|rating)s?\b[^.?!\n]{0,60}?(?:even if|without|in exchange|for a|and i'?ll)",
    r"\b(?:fake|made-up|paid|bought|incentivi[sz]ed) (?:reviews?|testimonials?|ratings?|endorsements?|followers)\b",
    r"\b(?:mention|say|tell (?:them|people|everyone)|claim|state) (?:that )?you (?:recommended|endorsed|"
    r"vouched for|referred|sent) (?:me|us|my|our|the|them)\b",
    r"\b(?:we'?d|we would|we'?ll|we will|i'?d|i would|i'?ll|i will) (?:say|claim|state|write|mention|add) "
    r"(?:that )?you (?:chose|choose|used|use|recommend(?:ed)?|prefer(?:red)?|specif(?:y|ied)|love[ds]?|picked|"
    r"endorse[ds]?|swear by|rely on|relied on)\b",
    r"\b(?:post|leave|write) (?:it|a review|reviews?) under your name\b",
    r"\b(?:leave|write|post|give)(?: us| me| it)? (?:a )?(?:5|five)[- ]star (?:review|rating)\b[^.?!\n]{0,80}?"
    r"\b(?:i'?(?:ll| will| can) (?:send|write|draft)|text|wording|haven'?t|even if|in exchange)",
    r"\b(?:approve|sign|okay|ok) (?:it|this|them|the (?:quote|text|lines|wording|review|testimonial)) "
    r"(?:with|under) your (?:name|title|signature)\b",
    r"\bput your name (?:to|on|behind) (?:a|the|this|our|my) (?:\w+ )?(?:quote|review|testimonial|endorsement|"
    r"statement|recommendation|blurb)\b",
)

#: Asking for a particular rating (weak alone; with a scripted text it is a fake review).
RF2_RATING_ASK = (
    r"\b(?:leave|write|post|give|add)(?: us| me| it)? (?:a )?(?:5|five)[- ]star (?:review|rating)s?\b",
    r"\b(?:upvote|rate) (?:us|it|my|our) (?:\w+ )?(?:5|five) stars\b",
    r"\b(?:leave|write|post|give|add)(?: us| me| it)? (?:a |some )?(?:5|five)[- ]star (?:[\w-]+ )?(?:reviews?|"
    r"ratings?)\b",
)

#: Offering to write the endorsement for the reader (weak alone).
RF2_SCRIPTED = (
    r"\b(?:i|we)(?:'ll| will| can|'ve| have)? (?:already )?(?:write|wrote|draft|drafted|prepare|prepared|send) "
    r"(?:you )?(?:the|a|some|two|three) (?:\w+ )?(?:text|wording|review|copy|quote|testimonial|lines|blurb)\b",
)

RF2_ATTESTATION = (
    r"\b(?:sign|signing) (?:off|a letter|a form|a statement|an attestation|the form|the timesheet|my timesheet|"
    r"the log|my log)\b[^.?!\n]{0,80}?\b(?:that|saying|confirming)\b[^.?!\n]{0,60}?\b(?:i|we|he|she|they) "
    r"(?:attended|completed|worked|was|were|have|had|did|supervised|met)\b",
    r"\b(?:confirm|state|certify|attest|vouch|say|write) (?:in writing )?that (?:i|we|he|she|they) (?:attended|"
    r"completed|worked (?:for|with|under)|was supervised|were supervised|reported to|have (?:completed|"
    r"attended|worked)|had (?:completed|attended|worked))\b",
    r"\b(?:backdate|back-date|antedate)\b",
    r"\b(?:sign|signing|certify|approve|confirm|verify)(?: off| off on)? (?:my|his|her|their|the) (?:\w+ )?"
    r"(?:hours|sessions|log|logbook|timesheet|attendance|placement|competenc(?:y|ies)|training|cpd|"
    r"supervision)\b[^.?!\n]{0,80}?\b(?:even though|although|though|but|despite)\b",
    r"\b(?:sign|co-sign|countersign|sign off|vouch|attest|confirm|certify)(?:ing)? (?:\w+ ){0,3}?that (?:i|we|he|she|"
    r"they) (?:have |had )?(?:completed|attended|logged|passed|finished|worked (?:for|with|under)|was supervised)\b"
    r"[^.?!\n]{0,80}?\b(?:even though|although|but|actually|technically|not quite|haven'?t|didn'?t)\b",
    r"\beven though (?:i|we|he|she|they) (?:wasn'?t|weren'?t|didn'?t|haven'?t|hadn'?t|never|did not|have not)\b"
    r"[^.?!\n]{0,60}?\b(?:worked|managed|led|attended|completed|done|finished|taken|been)\b",
    r"\bpretend (?:that )?(?:you|i|we)\b",
    r"\bsay (?:that )?you (?:were|are) my (?:manager|supervisor|boss|mentor|teacher|client)\b",
    r"\b(?:sign|approve) (?:off )?(?:on )?(?:hours|sessions|training|supervision) (?:i|we) (?:haven'?t|didn'?t|"
    r"never)\b",
    r"\b(?:stamp|seal|sign|certify|sign off|approve)(?: off)? (?:the |my |our |these |his |her |their )?"
    r"(?:\w+ )?(?:drawings|plans|calculations|report|certificate|works|installation|inspection)\b[^.?!\n]{0,80}?"
    r"\b(?:without|even though|although|haven'?t|hasn'?t|didn'?t|never|before) (?:\w+ ){0,2}?(?:seen|seeing|"
    r"review|reviewing|reviewed|check|checking|checked|inspect|inspecting|inspected|visit|visiting|visited|"
    r"prepared|drawn|been|finished|complete|completed)\b",
    r"\b(?:certify|sign off|confirm) (?:practical )?completion (?:before|even though|although|when)\b",
)

RF2_LEND_NAME = (
    r"\b(?:list|listing|name|naming|include|including|put|putting|add|adding|present|presenting|show|showing) "
    r"you (?:down )?as (?:one of )?(?:our|my|a|an|the) (?:\w+ ){0,2}?(?:associates?|partners?|advisers?|"
    r"advisors?|faculty|consultants?|coaches|coach|trainers?|team members?|board members?|references?|staff|"
    r"experts?|co-authors?|authors?|collaborators?|supervisors?|directors?|architects?|designers?|"
    r"principal designer|lead designer|engineers?|signator(?:y|ies)|responsible (?:person|architect|"
    r"pharmacist|clinician|engineer)|clinicians?|pharmacists?|named \w+)\b",
    r"\buse your (?:name|credentials|accreditation|licen[cs]e|logo|photo|profile|cv) (?:in|on|for)\b",
    r"\buse your (?:\w+ )?(?:registration|arb|gmc|gphc|nmc|licen[cs]e|practising|practicing|membership|"
    r"professional) (?:number|stamp|seal|credentials|certificate)\b",
    r"\b(?:you'?d|you would|you will|you'?ll) (?:appear|be listed|be named|be credited|be shown) as (?:the |our |"
    r"a |an )?(?:\w+ )?(?:architect|designer|author|lead|supervisor|consultant|pharmacist|clinician|engineer|"
    r"director|partner|expert)\b[^.?!\n]{0,80}?\b(?:although|though|but|while|whereas|even though)\b",
)

RF2_NO_DELIVERY = (
    r"\b(?:you )?(?:wouldn'?t|won'?t|would not|will not|don'?t|do not) (?:actually )?(?:need|have) to "
    r"(?:deliver|do|attend|teach|work|be involved|show up)\b",
    r"\b(?:someone|somebody) (?:else|cheaper|junior|less experienced) (?:for|to do|would do|will do|to deliver) "
    r"(?:the )?(?:delivery|work|actual work|sessions|teaching)\b",
    r"\bbring in someone (?:else|cheaper)\b",
    r"\b(?:only|just|simply) (?:on paper|to (?:strengthen|win|pad) (?:the|our) (?:bid|application|proposal|tender))\b",
    r"\b(?:only|just) (?:call on|use|involve|need|bring in|contact) you (?:if|when|once|in the unlikely)\b",
    r"\bprobably not even then\b|\bin name only\b",
    r"\b(?:just|only|purely) (?:for|on) the (?:bid|application|tender|proposal|paperwork|website|brochure|"
    r"team sheet|cv|credentials page)\b",
)

RF2_PADDED_INVOICE = (
    r"\b(?:pad|padding|inflate|inflating|bump up|mark up|round up|boost) (?:the |your |our |my )?(?:invoice|"
    r"invoices|bill|bills|hours|expenses|expense claim|quote|figures|timesheet|estimate)\b",
    r"\b(?:invoice|bill|charge) (?:us |them |the client |our client )?for (?:more|extra|additional) (?:hours|days|"
    r"sessions|work) than\b",
    r"\b(?:add|include|put) (?:a few|some|extra|an extra|\d+|two|three) (?:extra )?(?:hours|days|sessions|items) "
    r"(?:to|on|onto) (?:the|your|our|my) (?:invoice|bill|timesheet)\b",
    r"\b(?:invoice|bill) (?:us|them) (?:for|at) (?:a higher|more than)\b",
    r"\bsplit the (?:difference|extra|surplus)\b",
    r"\b(?:higher|inflated|padded) invoice\b",
    r"\binvoice (?:it )?as (?:something else|consulting|training|a different)\b",
    r"\b(?:invoice|bill|charge)\b[^.?!\n]{0,50}?\b(?:only|actually) (?:do|did|done|use|used|work|worked|deliver|"
    r"delivered|run|ran|spent|attended)\b",
    r"\b(?:invoice|bill|charge) (?:us|them|the client|the council|\w+) for (?:\d+|more|extra) (?:\w+ )?(?:hours|"
    r"days|sessions)\b[^.?!\n]{0,40}?\b(?:even though|although|though|but)\b",
    r"\b(?:bill|invoice|charge) (?:the client|them|the council|the hospital|the practice|the school|the trust|"
    r"\w+) for (?:\w+ ){0,3}?(?:hours|visits|days|sessions|work|site visits|items|materials) (?:we|you|i|they) "
    r"(?:didn'?t|did not|never|won'?t|haven'?t|will not)\b",
    r"\b(?:inflate|inflating|pad|padding) (?:the |your |our |my )?(?:fee|fees|quote|estimate|budget|costs?|"
    r"claim|mileage|expenses)\b",
)

RF2_KICKBACK = (
    r"\b(?:kickback|kick-back|backhander|finder'?s fee|under the table|off the books|cash in hand|sweetener|"
    r"a little something for you|cut of the (?:deal|fee|profits))\b",
    r"\b(?:commission|bonus|fee|payment|cut|percentage|voucher|gift card) (?:to you |for you )?"
    r"(?:for|on|when|if|whenever) (?:you )?(?:every |each )?(?:specify|specifying|specified|prescribe|"
    r"prescribing|prescription|recommend|recommending|refer|referring|referral|steer|steering|switch|switching)\b",
    r"\d ?% (?:to you |for you )?(?:for|on|when|if|whenever) (?:you )?(?:every |each )?(?:specify|specifying|"
    r"specified|prescribe|prescribing|prescription|recommend|recommending|refer|referring|referral|steer|"
    r"steering|switch|switching)\b",
    r"\bfor (?:every|each) (?:[\w-]+ ){0,2}?(?:patient|client|customer|student|order|project|referral|"
    r"prescription) (?:you|that you) (?:send|refer|specify|prescribe|recommend|steer|switch|introduce|bring)\b",
)

RF2_PERSONAL_DATA_ASK = (
    r"\b(?:share|sharing|send|sending|give|giving|pass|passing|forward|forwarding|export|exporting|hand over|"
    r"handing over|let me have|get me|access to)\b[^.?!\n]{0,40}?\b(?:attendee|participant|delegate|client|"
    r"customer|member|mailing|contact|subscriber|student|patient|employee|staff|alumni|guest|donor|"
    r"candidate|applicant|user|parent|tenant|resident|caller|cohort) (?:list|lists|database|details|emails|"
    r"email addresses|e-mail addresses|contacts|phone numbers|numbers|data|records|names|addresses|files)\b",
    r"\b(?:their|your clients'|your customers'|the participants'|the attendees'|your students'|your "
    r"patients'|your members'|your employees') (?:contact details|emails|email addresses|phone numbers|"
    r"home addresses|personal details|records|data|numbers|files)\b",
    r"\b(?:share|shar|send|give|giv|pass|forward|export|let me have|get me)\w*\b[^.?!\n]{0,30}?\b(?:e-?mail "
    r"addresses|phone numbers|contact details|home addresses|personal details|mobile numbers)\b[^.?!\n]{0,30}?"
    r"\b(?:of|for) (?:everyone|all|your|the|each|every)\b",
    r"\b(?:send|share|pass|forward|export|give|provide|email|e-mail|let me have|get me|pull|download|hand "
    r"over|access to)\b[^.?!\n]{0,40}?\b(?:list|lists|spreadsheet|export|database|register|roster|names|"
    r"details|records|files|contact details|addresses|numbers) (?:of|for|with) (?:all |the |your |our |any |"
    r"current |recent |past |active |existing |new )*(?:[\w-]+ )?(?:patients|clients|customers|members|"
    r"employees|staff|students|pupils|tenants|residents|attendees|participants|delegates|donors|"
    r"subscribers|users|families|parents|homeowners|buyers|candidates|applicants|guests|visitors|callers|"
    r"volunteers|alumni|trainees|learners|children|occupants|neighbours|neighbors)\b",
    r"\b(?:send|share|pass|forward|export|give|provide|email|e-mail|let me have|get me|pull|include|list)\b"
    r"[^.?!\n]{0,80}?\b(?:dates? of birth|dob|mrns?|medical record numbers?|nhs numbers?|social security "
    r"numbers?|ssns?|national insurance numbers?|passport numbers?|home addresses|bank details|health "
    r"records|medical records|patient records|diagnoses|salary details)\b",
)

#: Other people's contact details mentioned in the message (weak alone).
RF2_PERSONAL_DATA = (
    r"\bnames and (?:e-?mails|e-?mail addresses|phone numbers|numbers|addresses)\b",
)


#: Going around consent or the people who must review a use of personal data (ethics boards, a data
#: protection officer): an ethics breach in any profession.
RF2_CONSENT_BYPASS = (
    r"\b(?:no need to|don'?t need to|needn'?t|without|skip|skipping|bypass|bypassing|avoid|avoiding|not "
    r"bother(?:ing)?(?: with)?|no point (?:in )?(?:involving|asking)|leave out|keep out) (?:involving |telling |"
    r"asking |going through |getting |waiting for |informing |looping in |notifying |bothering |troubling |"
    r"involve |tell |ask |go through |get |wait for |inform |loop in |notify |bother |trouble )?"
    r"(?:the |your |our |their |an |any )?(?:irb|ethics (?:committee|board|review|approval|panel|sign-off)|"
    r"review board|institutional review|research committee|data protection officer|dpo|privacy (?:team|"
    r"office|officer)|information governance|caldicott guardian|compliance (?:team|office|officer))\b",
    r"\bwithout (?:their|the (?:patients|clients|customers|members|students|parents|tenants|residents|"
    r"participants|families|individuals)'|patient|client|customer|anyone's|written|explicit|formal|any|"
    r"asking for)? ?(?:consent|permission)\b",
    r"\b(?:no need|don'?t need|needn'?t) (?:to )?(?:ask|get|seek|bother with|worry about) (?:for )?(?:their|"
    r"patient|client|customer|parental|any)? ?(?:consent|permission)\b",
)

#: Asking to sign, certify or vouch for a record (hours, a form, a log, works, drawings). Counts for RF2
#: only with ``RF2_SHORTFALL`` in the same message: attesting more than was done.
RF2_ATTEST_ASK = (
    r"\b(?:sign|signing|countersign|co-sign|initial|stamp|certify|certifying|attest|attesting|verify|"
    r"verifying|approve|approving|sign off|signing off|vouch for|validate|validating)(?: off)?(?: on)? (?:the |a |"
    r"my |his |her |their |this |our |that )?(?:[\w-]+ ){0,3}?(?:form|forms|hours|log|logs|logbook|timesheets?|"
    r"attendance|register|records?|sheet|competenc(?:y|ies)|placement|supervision|training|cpd|completion|"
    r"certificates?|portfolio|inspection|works|installation|drawings?|plans|calculations|declaration|"
    r"statement|letter|assessment|evaluation|sign-off|paperwork|application|days|sessions|shifts|visits)\b",
    r"\bsigned (?:form|letter|statement|declaration|sheet|log|record|certificate) (?:confirming|certifying|"
    r"stating|saying|that)\b",
    r"\bput your (?:name|signature|stamp|seal|initials) (?:to|on)\b",
    r"\b(?:confirm|confirming|certify|certifying|state|stating) (?:that )?(?:she|he|they|i|we) (?:did|has done|"
    r"have done|completed|attended|worked) (?:the )?(?:full |all |\d+)",
    r"\b(?:write|sign|provide|give|send|do) (?:me |us |him |her |them )?(?:a |an |the )?(?:short |quick |brief )?"
    r"(?:letter|note|statement|certificate|form|email|e-mail|declaration|reference) (?:saying|stating|"
    r"confirming|certifying|to say|that says|to confirm)\b",
    r"\b(?:sign|stamp|certify|countersign|sign off|initial)(?: off)? (?:it|this|that|the one|the (?:[\w-]+ )?"
    r"(?:one|version|copy|draft))\b",
    r"\b(?:just |only |simply )?needs? your (?:signature|stamp|sign-off|initials|seal|countersignature)\b",
)

#: Signs that less was done than the record would say (used with ``RF2_ATTEST_ASK``).
RF2_SHORTFALL = (
    r"\b(?:only|just|barely) (?:managed|did|completed|attended|worked|logged|got through|made it to|finished|"
    r"covered|spent|clocked|put in|done|ran|delivered|supervised|visited|inspected)(?: about| around| roughly|"
    r" maybe| perhaps| some)? (?:\d+|a few|a couple|some|half|one|two|three|four|five|six|seven|eight|nine|"
    r"ten|eleven|twelve|a third|a quarter|part)\b",
    r"\b(?:only|just) (?:about |around |roughly )?(?:\d+|a few|half|one|two|three|four|five|six|seven|eight|"
    r"nine|ten|eleven|twelve) (?:of (?:the|them|those|these) )?(?:hours|sessions|days|weeks|visits|shifts|"
    r"modules|inspections|placements|cases)\b",
    r"\b(?:the rest|the remainder|the others|the remaining \w+) (?:is|are|was|were) (?:just |only |really |"
    r"mostly |basically )?(?:a )?(?:formality|formalities|paperwork|a technicality|technicalities)\b",
    r"\b(?:wasn'?t|weren'?t|isn'?t|aren'?t|hasn'?t been|haven'?t been|never|not) (?:quite |fully |actually |yet |"
    r"really |all )?(?:finished|complete|completed|done|inspected|signed off|on site|present|supervised|"
    r"there)\b",
    r"\b(?:didn'?t|did not|hasn'?t|has not|haven'?t|have not|never) (?:quite |actually |fully |yet )?(?:finish|"
    r"finished|complete|completed|attend|attended|get through|got through|make it|made it|log|logged|"
    r"supervise|supervised|visit|visited|inspect|inspected|do (?:all|the))\b",
    r"\bfor the (?:full|whole|entire|complete) (?:\w+ )?(?:\d+|hours|amount|period|term|placement|years?|months?|"
    r"weeks?|days|course|programme|program|rotation|contract|project)\b",
    r"\b(?:it'?s|it is|that'?s|that is) (?:really |just |only |basically |purely |mostly )*(?:a )?(?:formality|"
    r"paperwork|a technicality|a tick-box exercise|box-ticking)\b",
    r"\b(?:was|were|been|worked|stayed) (?:only|just) (?:with|at|in|on|there)\b",
    r"\bonly (?:with|at|in|on) (?:your|the|you)\b[^.?!\n]{0,30}?\bfor (?:about |around |roughly )?(?:\d+|a few|"
    r"a couple|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b",
    r"\b(?:fell|falls|fall|came|come|was|were) (?:a (?:bit|little|few hours?|few days?) )?short\b",
    r"\bon paper\b",
    r"\b(?:items?|bits|snags?|snagging|jobs|works?|tasks|defects) (?:still )?(?:left|outstanding|remaining|to "
    r"(?:finish|do|sort|fix))\b",
    r"\b(?:we|i)(?:'ll| will) (?:sort|finish|fix|complete|do) (?:them|it|those|these|the rest)\b[^.?!\n]{0,30}?"
    r"\b(?:later|next|in a|after|afterwards|soon)\b",
    r"\b(?:he|she|they|i|we|it) (?:didn'?t|did not|wasn'?t|was not|weren'?t|hasn'?t|haven'?t|never did)"
    r"(?: really| actually| quite)?\s*(?:[,;-]|but\b|though\b|in fact\b)",
    r"\beven though (?:my|our|his|her|their|a|the|someone|somebody|another) (?:[\w-]+ )?(?:[\w-]+ )?(?:drew|did|"
    r"prepared|wrote|designed|produced|made|ran|delivered|completed)\b",
    r"\byou (?:won'?t|wouldn'?t|don'?t|do not|needn'?t|will not|would not) (?:have time to |need to |have to |"
    r"even need to |even have to |get to )?(?:visit|inspect|review|check|see|read|look at|come (?:round|over|"
    r"out)|go (?:to|on) site|attend|meet (?:her|him|them))\b",
)

#: An endorsement, review or quote to be given (with ``RF2_NOT_EXPERIENCED``: one not based on experience).
RF2_ENDORSE_OBJECT = (
    r"\b(?:testimonials?|reviews?|quotes?|endorsements?|endorse|blurbs?|recommendations?|recommend|ratings?|"
    r"stars|references?|vouch|put your name|with your name|under your name|your name and)\b",
)

#: The reader has not tried what they would endorse.
RF2_NOT_EXPERIENCED = (
    r"\byou (?:wouldn'?t|won'?t|would not|will not|don'?t|do not|needn'?t|shouldn'?t) (?:even |actually |really |"
    r"necessarily )?(?:need|have) to (?:actually |really |even |personally )?(?:go through|try|use|read|take|"
    r"attend|watch|visit|see|test|review|sit "
    r"through|complete|do|eat|stay|finish|open|look at|have used|have tried|have read|have seen|be a (?:client|"
    r"customer|user|patient))\b",
    r"\byou (?:haven'?t|have not|hadn'?t|had not|never|didn'?t|did not)(?: yet| actually| personally)? (?:had (?:a|"
    r"the) chance to |got round to |gotten around to |been able to )?(?:take|taken|try|tried|use|used|read|"
    r"seen|attended|attend|worked with|met|experienced|finished|completed|watched|tested|visited|stayed|eaten|"
    r"been (?:to|in|there|a (?:client|customer|patient|user))|gone through)\b",
    r"\byou (?:wouldn'?t|won'?t|don'?t|do not|needn'?t) (?:need to |have to )?(?:have )?(?:been|be) (?:a |an )?"
    r"(?:client|customer|patient|user|guest|member|student|diner|buyer|there|in|to)\b",
    r"\bwithout (?:you )?(?:having |actually |ever |personally )*(?:tried|used|read|seen|taken|attended|"
    r"visited|worked with|experienced|been (?:to|in|there)|gone through|met (?:me|us|him|her|them))\b",
    r"\b(?:no need|don'?t need) to (?:go through|try|use|read|take|attend|watch|visit|test) (?:it|the|our|them)\b",
    r"\beven (?:if|though) you (?:haven'?t|have not|never|didn'?t)\b",
)

RF2_GUARANTEED_RETURN = (
    r"\bguaranteed (?:\d+(?:\.\d+)? ?% )?(?:\w+ )?(?:return|returns|yield|profit|profits|income|roi|payout|"
    r"interest)\b",
    r"\b(?:risk-free|no-risk|zero-risk|can'?t-lose|cannot lose|can'?t lose) (?:investment|return|returns|profit|"
    r"profits|opportunity|income)\b",
    r"\bdouble your (?:money|investment|capital)\b",
    r"\b\d+(?:\.\d+)? ?% (?:guaranteed|fixed|assured) (?:return|returns|yield|interest)\b",
    r"\b\d+ ?% (?:per|a|every) (?:month|week|year)\b[^.?!\n]{0,40}?\b(?:guaranteed|risk-free|no risk|zero risk)\b",
    r"\b(?:guaranteed|risk-free)\b[^.?!\n]{0,40}?\b\d+ ?% (?:per|a|every|annual|monthly)\b",
)

RF2_CREDENTIAL = (
    r"\bno (?:assessments?|exams?|examinations?|tests?|testing|supervised hours|coursework|course work|training "
    r"required|study required|prior experience required|observed practice|practicum|requirements)\b",
    r"\b(?:certified|accredited|qualified|licensed|credentialed|diploma|degree|certificate|credential|"
    r"accreditation|certification|title) in (?:just |only |under )?(?:\d+|one|two|three|a few) (?:hours|days|"
    r"minutes)\b",
    r"\bwithout (?:any )?(?:assessment|exams?|examination|study|coursework|training|supervision|supervised "
    r"practice)\b[^.?!\n]{0,60}?(?:certif|accredit|credential|diploma|degree|title|qualif|licen)",
    r"\b(?:buy|purchase|get) (?:a|an|your) (?:\w+ )?(?:degree|diploma|certificate|credential|title|"
    r"accreditation) (?:online )?(?:without|with no|for (?:€|\$|£|eur|usd|gbp))",
    r"\b(?:instant|guaranteed|same-day|overnight) (?:accreditation|certification|credential|diploma|degree|"
    r"certificate)\b",
    r"\bno (?:quizzes|quiz|minimum (?:viewing|attendance|study|watch) (?:times?|hours?)|attendance (?:required|"
    r"needed|checks?)|coursework needed|study needed|reading needed)\b",
    r"\b(?:certificates?|credentials?|diplomas?|badges?) (?:are )?(?:issued |awarded |sent )?(?:the )?(?:same "
    r"day|instantly|immediately|on enrolment|on enrollment|on payment|on sign-up|automatically)\b",
    r"\bwithout (?:completing|taking|sitting|watching|attending|doing|finishing) (?:the |any |a )?(?:course|exam|"
    r"module|modules|content|training|assessment|test|lessons)\b",
)

# --------------------------------------------------------------------------------------------------
# RF3 premature ask (article red flag 3): a favour asked by someone the user does not know yet
# --------------------------------------------------------------------------------------------------

RF3_REFERRAL = (
    r"\brefer me\b",
    r"\b(?:a|an|your) referral (?:to|for|into|at)\b",
    r"\brefer(?:ring)? my (?:name|cv|resume|application|profile)\b",
    r"\bput (?:in )?a (?:good )?word (?:in )?for me\b",
    r"\bput in a (?:good |kind )?word\b",
    r"\b(?:put|putting) (?:me|us) in touch\b",
    r"\bintroduc(?:e|ing) (?:me|us|myself to)\b",
    r"\bintroduc(?:e|ing) (?:my|our) (?:\w+ )?(?:to|with)\b",
    r"\b(?:an|the|a warm|a quick|a brief|a short|a personal) (?:intro|introduction) (?:to|with)\b",
    r"\bconnect (?:me|us) (?:with|to)\b",
    r"\bpass(?:ing)? (?:along |on )?my (?:name|cv|resume|résumé|details|profile|info|information|application|"
    r"portfolio|contact)",
    r"\bpass(?:ing)? (?:it|this|them) (?:along|on) to\b",
    r"\b(?:forward|forwarding|send|sending|share|sharing) my (?:cv|resume|résumé|application|profile|portfolio|"
    r"details) (?:to|along|on|with)\b",
    r"\byou (?:could|can|might|would) (?:forward|pass|send|share) (?:it |them |this |that )?(?:along|on)\b",
    r"\bvouch for me\b",
    r"\bon my behalf\b",
    r"\bget me (?:in|an interview|a meeting|an introduction|a foot in)\b",
    r"\bget my (?:cv|resume|résumé|application|name|profile|portfolio) (?:to|in front of|onto|into)\b",
    r"\bhook me up\b",
    r"\bbe (?:one of )?my (?:references|referees|reference|referee|sponsor)\b",
    r"\bact as (?:a |my )?(?:reference|referee)\b",
    r"\b(?:suggest|recommend|name) (?:any |some )?(?:other )?(?:contacts|people|names|someone|anyone) (?:i|we) "
    r"(?:could|can|should|might)\b",
    r"\bwho (?:else )?(?:should|could|can|might) i (?:talk|speak|reach out|write|turn) to\b",
    r"\bknow (?:anyone|someone|anybody) (?:who|at|in|that)\b",
    r"\b(?:share|sharing|forward|forwarding|pass|passing|circulate|circulating|repost|reposting|boost|boosting)\b"
    r"[^.?!\n]{0,20}?\b(?:my|our|this|the) (?:job (?:post|posting|ad|advert|listing|opening)|post|posting|vacancy|"
    r"opening|announcement|article|launch|fundraiser|petition|campaign)\b[^.?!\n]{0,40}?\b(?:network|followers|"
    r"contacts|team|colleagues|community|connections|along|on|around)\b",
    r"\bvote for (?:me|my|us|our)\b",
    r"\b(?:a|an|your) (?:\w+ )?(?:referral|introduction|intro|nomination|good word|kind word|word) from you\b",
    r"\b(?:mention|recommend|suggest) me to\b",
    r"\bput me forward (?:for|to|as)\b",
    r"\bnominate me\b",
    r"\b(?:get|put) me in front of\b",
    r"\bmake (?:an|the|a quick|a warm) (?:intro|introduction)\b",
    r"\b(?:forward|pass|send|share) (?:it|this|them|my [\w-]+(?: [\w-]+)?) (?:on |along |over )?to (?:your|the|"
    r"him|her|them|whoever)\b",
    r"\b(?:be|being|become|becoming|act as|acting as) (?:a |my |one of my |an )?(?:reference|referee|"
    r"references|referees|sponsor|guarantor|character witness|nominator|seconder|proposer)\b",
    r"\b(?:sponsor|support|second|nominate|countersign|endorse) (?:my|our) (?:\w+ )?(?:application|nomination|"
    r"membership|candidacy|bid|proposal|submission)\b",
)

RF3_ENDORSE = (
    r"\b(?:write|writing|give|giving|provide|providing|send|sending) (?:me |us )?(?:a |an )?(?:short |brief |quick "
    r"|linkedin |reference |recommendation |character |supporting |strong )?(?:recommendation|reference|"
    r"testimonial|endorsement|letter of (?:recommendation|support|reference)|recommendation letter|reference "
    r"letter|quote|blurb|review)\b",
    r"\b(?:endorse|recommend) (?:me|my|us|our)\b",
    r"\b(?:list|listing|name|naming|include|including|use|using|put|putting|add|adding|feature|featuring) (?:you|your "
    r"name) (?:down )?(?:as|on|in) (?:one of )?(?:our|my|the|a|an)\b",
    r"\buse your name\b",
    r"\b(?:a|an|your) (?:\w+ )?(?:recommendation|reference|endorsement|testimonial|quote|letter|blurb|"
    r"sponsorship) from (?:you|someone (?:like you|in your position|of your standing|with your)|a (?:[\w-]+ )"
    r"{0,3}?(?:director|leader|expert|partner|architect|practitioner|specialist|professional|consultant|"
    r"lead|head|chair|principal|senior))\b",
    r"\b(?:approve|sign) (?:it|this|them|the (?:quote|text|lines|wording)) (?:with|under) your name\b",
    r"\bput your name (?:to|on|behind)\b",
    r"\bwith your name and (?:title|photo|job title|credentials|role|logo)\b",
    r"\b(?:post|leave|write|add|give)(?: us| me| it)? (?:a |an |some )?(?:five-star |5-star |good |positive |glowing |"
    r"honest )?(?:[\w-]+ )?(?:reviews?|ratings?|testimonials?)\b",
    r"\b(?:write|writing|contribute|contributing|provide|providing|do|doing) (?:me |us )?(?:a |an |the )?"
    r"(?:short |brief |quick )?(?:foreword|preface|cover quote|back-cover quote|jacket quote|cover blurb)\b",
)

RF3_REVIEW = (
    r"\b(?:look|looking|glance|glancing|go|going) (?:at|over|through) my\b",
    r"\b(?:take|have|cast) a (?:quick |brief |short )?(?:look|glance|eye) (?:at|over) (?:my|our|the attached|"
    r"the draft|what i)\b",
    r"\b(?:review|reviewing|critique|critiquing|proofread|proofreading|assess|assessing|evaluate|evaluating|"
    r"sanity-check|sanity check) (?:my|our) [\w-]+",
    r"\b(?:read|reading|check|checking|edit|editing) (?:my|our) (?:\w+ ){0,2}?(?:cv|resume|résumé|draft|deck|"
    r"pitch|plan|manuscript|portfolio|code|proposal|essay|application|cover letter|website|book|article|"
    r"chapter|slides|thesis|paper|script|cap table|model|design|designs|prototype|statement|work|startup|"
    r"idea|strategy|profile|app|product|pull request|merge request|patch|repo|repository|project|talk|abstract|"
    r"submission|bio|pitch deck|business plan|notebook|analysis|config|setup)\b",
    r"\b(?:feedback|thoughts|notes|comments|input|opinion|critique|eyes) on my\b",
    r"\btell me what you think (?:of|about) my\b",
    r"\btell me (?:what|whether|if)\b[^.?!\n]{0,40}?\b(?:fair|right|good enough|reasonable|realistic|any good)\b",
    r"\blook (?:it|this|them|these|that) over\b",
    r"\blook over (?:my|it|this|the|our|what|a|his|her)\b",
    r"\b(?:read|reading|skim|skimming) (?:it|this|them|through it|it through|over it|it over|the draft|"
    r"the attached)\b[^.?!\n]{0,30}?\b(?:and|to) (?:tell|let|give|see|say|check)\b",
    r"\bwhat you(?:'d| would) (?:change|improve|cut|add|fix|do differently|tweak|rewrite|rework)\b",
    r"\byour (?:\w+ )?eyes? (?:on|over) (?:it|this|my|them|the|our|what)\b",
    r"\b(?:cast|run) (?:your|an|a) (?:expert |experienced |critical |quick )?eye over\b",
    r"\b(?:second|fresh|expert|experienced) (?:pair of )?eyes\b",
    r"\brun (?:it|this|them|my [\w-]+(?: [\w-]+)?|the (?:draft|idea|plan|design)) (?:past|by) you\b",
    r"\bgive (?:it|this|them|my [\w-]+(?: [\w-]+)?) a (?:quick |brief |short )?(?:once-?over|read|look|glance|"
    r"skim|read-through)\b",
    r"\b(?:comments|feedback|thoughts|notes|critique|pointers) on (?:it|this|the draft|the attached|what i|"
    r"the (?:plan|design|drawings|sketches|proposal|scheme|letter|essay|application))\b",
    r"\b(?:tear|pull) (?:it|this|them) apart\b",
    r"\bsense-check\b",
    r"\b(?:whether|if) (?:it|this|my [\w-]+(?: [\w-]+)?) (?:works|reads well|holds up|makes sense|is any good|"
    r"is (?:strong|good) enough)\b",
)

RF3_JOBS = (
    r"\b(?:know of|aware of|hear of|hear about|heard of) (?:any )?(?:open |suitable |relevant )?(?:openings?|roles?|"
    r"jobs?|positions?|vacanc(?:y|ies)|opportunit(?:y|ies)|internships?)\b",
    r"\b(?:job|role|career) (?:leads|openings)\b",
    r"\bkeep me in mind\b",
    r"\bkeep an (?:eye|ear) out for\b",
    r"\bif (?:you|anyone you know|anyone) (?:is|are|hears of|knows of) (?:hiring|looking)\b",
    r"\bany (?:openings|vacancies|open roles|job opportunities|positions)\b",
    r"\b(?:is|are) (?:your|you|the) (?:team|company|department|group|lab|firm|practice|office|organisation|"
    r"organization) (?:still |currently )?hiring\b",
    r"\bstill hiring\b",
    r"\b(?:be considered|consider me) for\b",
    r"\b(?:love|like|hope|want) to be considered\b",
    r"\b(?:taking on|hiring|looking for|recruiting) (?:any )?(?:new )?(?:interns|juniors|graduates|apprentices|"
    r"trainees|assistants|freelancers|volunteers|staff)\b",
    r"\b(?:attached|enclosed|attaching|enclosing) (?:is )?my (?:cv|resume|résumé|portfolio|application)\b",
    r"\bhelp me (?:find|land|get|secure) (?:a |an )?(?:job|role|position|internship|placement|interview)\b",
    r"\b(?:any|a|some) (?:room|space|capacity|openings?|vacanc(?:y|ies)|work|place|placement|internship|"
    r"position|role|job) (?:for (?:me|someone like me)|in|at|on|with) your (?:team|practice|firm|studio|office|"
    r"department|unit|company|organisation|organization|lab|pharmacy|clinic|school)\b",
    r"\b(?:work|working) (?:for|with|alongside|under) you\b",
    r"\b(?:any|a|some) (?:room|space|capacity|openings?|vacanc(?:y|ies)|place|placement|internship|position|"
    r"role|job) for (?:me|someone like me|an? [\w-]+(?: [\w-]+)?) (?:in|at|on|with) your\b",
    r"\b(?:join|joining|work at|working at) (?:your|you at your) (?:[\w-]+ )?(?:practice|team|firm|studio|office|"
    r"company|lab|department|clinic|school|organisation|organization|pharmacy|unit|kitchen|restaurant)\b",
)

RF3_MENTOR = (
    r"\b(?:mentor|mentoring|coach) me\b",
    r"\bbe my (?:mentor|coach|adviser|advisor|sponsor|guide)\b",
    r"\b(?:mentorship|mentoring) (?:from you|with you)\b",
    r"\b(?:looking for|need|seeking|in search of) a mentor\b",
    r"\bshadow you\b",
    r"\btake me (?:on|under your wing)\b",
    r"\b(?:your|some|ongoing|regular|monthly|weekly|informal|occasional) (?:mentorship|mentoring|"
    r"sponsorship|guidance sessions)\b",
    r"\b(?:be|being|become|becoming|act as|acting as) (?:a |my |an informal |our )?(?:mentor|sponsor|coach|"
    r"adviser|advisor|guide|sounding board)\b",
    r"\btake me on (?:as )?(?:a |your )?(?:mentee|apprentice|intern|trainee|student|protege|protégé)\b",
    r"\b(?:a|an) (?:\w+ )?mentor (?:like you|to me)\b",
    r"\bshadow(?:ed|ing)? you\b",
    r"\b(?:spend|shadow) (?:a |one |some )?(?:day|days|week|afternoon|morning|time) (?:in|at|with) your "
    r"(?:studio|office|practice|clinic|team|lab|kitchen|school|firm|department|pharmacy|ward)\b",
    r"\bwork experience (?:at|in|with) (?:your|you)\b",
)

RF3_SHARE = (
    rf"\b(?:send|forward|email|e-mail|pass|give|lend|show)(?:ing)? (?:me|us)\b[^.?!\n]{{0,50}}?\b{_MATERIAL}\b",
    rf"\b(?:share|sharing|send|sending|forward|forwarding)\b[^.?!\n]{{0,50}}?\b{_MATERIAL}\b[^.?!\n]{{0,30}}?"
    r"\bwith (?:me|us)\b",
    rf"\b(?:share|sharing|send|sending|forward|forwarding) (?:your|the|those|these|a copy of (?:your|the)) "
    rf"(?:\w+ ){{0,3}}?{_MATERIAL}\b",
    rf"\baccess to your (?:\w+ )?(?:{_MATERIAL_WORDS}|network|clients|contacts|list)\b",
    r"\b(?:export|pull|extract|download|print|run) (?:me |us |off )?(?:a |an |the |your )?(?:[\w'-]+ ){0,3}?"
    r"(?:list|spreadsheet|report|data|records|file|export|extract)\b",
    rf"\b(?:let me have|let us have|get me|hand over|give me access to)\b[^.?!\n]{{0,50}}?\b(?:{_MATERIAL_WORDS})\b",
)

RF3_ADVICE = (
    r"\b(?:your|some|any|a bit of|a little) (?:honest |quick |expert |professional )?(?:advice|guidance|input|"
    r"perspective|take|thoughts|views?|opinion|insights?|expertise|two cents|wisdom|counsel|recommendations?|"
    r"suggestions?|pointers|tips)\b",
    r"\badvi[sc]e (?:me|us|on|about|for)\b",
    r"\b(?:could|can|would|will) you advi[sc]e\b",
    r"\bpick your brains?\b",
    r"\bpoint (?:me|us) (?:in the right direction|to|towards)\b",
    r"\bwalk (?:me|us) through\b",
    r"\b(?:learn|hear|understand|know) (?:more )?(?:about )?how you\b",
    r"\bshow (?:me|us) how\b",
    r"\bteach (?:me|us)\b",
    r"\bhelp (?:me|us) (?:understand|figure out|decide|think through|work out|with|choose|pick|navigate|plan|"
    r"prepare|get started|break into|make sense)\b",
    r"\bany (?:tips|pointers|suggestions|recommendations|ideas|advice)\b",
    r"\bwhat (?:would|do|should) you (?:recommend|suggest|advise|do|think)\b",
    r"\bwould you (?:recommend|suggest|advise)\b",
    r"\bdo you (?:know (?:which|whether|if|how|what|of a|a good|anyone who)|have (?:a view|any (?:thoughts|advice|"
    r"tips|view|suggestions|recommendations)))\b",
    r"\bhave a view on\b",
    r"\bcould you (?:explain|tell me (?:how|what|which|whether))\b",
    r"\b(?:a|one|some|a few|couple of) (?:quick )?questions? (?:for you|about)\b",
    r"\b(?:ask|asking) you (?:a |some |a few |a couple of )?(?:quick )?(?:questions?|about)\b",
    r"\binformational interview\b",
    r"\b(?:fill(?:ing)? (?:out|in)|complete|completing|take|taking|answer|answering) (?:a |my |our |this |the )?"
    r"(?:short |quick |brief |\d+[- ]minute )?(?:survey|questionnaire|poll)\b",
    r"\b(?:participate|participating|take part|taking part) in (?:my|our) (?:research|study|survey|interviews?|"
    r"thesis|dissertation)\b",
    r"\b(?:learn|hear) (?:more )?(?:about|from) your (?:career|path|journey|experience|story|background)\b",
    r"\bany idea (?:how|what|whether|if|which|why)\b",
    r"\bcan you (?:explain|help me understand)\b",
    r"\bwhat (?:should|would|do) (?:i|we) (?:do|choose|pick|use|say|charge|ask|expect)\b",
    r"\bwhere (?:should|do|can) i (?:start|begin|go|file|look)\b",
    r"\bwhen (?:should|do) i\b",
    r"\b(?:what|how|whether)\b[^.?!\n]{0,60}?\bdo you think (?:i|we) (?:should|could|need|ought)\b",
    r"\b(?:mock|practice|dummy|trial) (?:interview|exam|viva|crit|presentation|pitch|assessment)\b",
)

#: Question forms that ask the reader's knowledge (used with a '?' in the sentence).
RF3_QUESTION = (
    r"\bhow (?:should|would|do|can|could) i\b",
    r"\bhow should we\b",
    r"\bshould i\b",
    r"\bshould we (?:use|choose|go (?:with|for)|pick|file|register|raise|incorporate|sign|accept|take|switch|"
    r"migrate|split|hire|buy|invest|apply|charge|price|move)\b",
    r"\bdo (?:i|we) need\b",
    r"\bis it (?:better|worth|possible|legal|allowed|wise|advisable|ok|okay)\b",
    r"\bwhat(?:'s| is) the best way\b",
    r"\bwhich (?:\w+ )?(?:is|would be|works) (?:better|best)\b",
)

RF3_CALL = (
    r"\b(?:hop|jump|get) on (?:a|the) (?:quick |short |brief )?(?:call|zoom|phone|video call|phone call|teams call)\b",
    r"\b(?:a|an|the) (?:quick |short |brief |\d+[- ]?min(?:ute)?s? |virtual |informational |informal |"
    r"exploratory |strategy |discovery |introductory )+(?:call|chat|coffee|meeting|zoom|phone call|video call|"
    r"conversation|catch-up|session)\b",
    r"\bset up (?:a |an )?(?:\w+ ){0,2}?(?:call|meeting|chat)\b",
    r"\b(?:grab|have|get) (?:a )?(?:coffee|lunch|a drink|a virtual coffee)\b",
    r"\b(?:\d+|twenty|thirty|fifteen|ten|a few) minutes (?:of your time|next week|this week|to)\b",
    r"\bwould you have (?:\d+|twenty|thirty|fifteen|ten|a few) minutes\b",
    r"\b(?:some|a (?:little|bit) of) your time\b",
    r"\b(?:free|available) for a (?:quick |short )?(?:call|chat)\b",
    r"\bcould we (?:talk|speak|chat|meet)\b",
    r"\binformational interview\b",
)

#: In a sentence with one of these, a call/meeting is the sender presenting (a sales meeting, RF1), not a
#: favour asked of the reader.
RF3_SALES_MEETING = (
    r"\b(?:demo|demonstration|show you|present (?:our|my)|walk you through|introduce (?:our|my) (?:product|"
    r"service|company|platform|team)|tell you (?:more )?about (?:our|my)|explain (?:our|my|how (?:our|we)))\b",
)

#: "Thanks for your advice" is not an ask.
RF3_THANKS = (r"\b(?:thanks?|thank you|grateful) (?:so much |again )?for (?:your|the|all)\b",)

# --------------------------------------------------------------------------------------------------
# RF7 out of depth (article red flag 7): a substantive question on a topic outside the user's expertise
# --------------------------------------------------------------------------------------------------

#: A sentence that asks for knowledge or an opinion (not a call, not a connection).
RF7_ASK = (
    r"\b(?:your|some|any|a bit of|a little) (?:honest |quick |expert |professional )?(?:advice|guidance|input|"
    r"perspective|take|thoughts|views?|opinion|insights?|expertise|recommendations?|suggestions?|pointers|tips)\b",
    r"\badvi[sc]e (?:me|us|on|about|for)\b",
    r"\b(?:could|can|would|will) you advi[sc]e\b",
    r"\bpick your brains?\b",
    r"\bpoint (?:me|us) in the right direction\b",
    r"\bhelp (?:me|us) (?:understand|figure out|decide|think through|work out|choose|pick|navigate|make sense)\b",
    r"\bany (?:tips|pointers|suggestions|recommendations|ideas|advice)\b",
    r"\bwhat (?:would|do|should) you (?:recommend|suggest|advise|do|think)\b",
    r"\bwould you (?:recommend|suggest|advise)\b",
    r"\bdo you (?:know (?:which|whether|if|how|what)|have (?:a view|any (?:thoughts|advice|tips|view|suggestions)))\b",
    r"\bhave a view on\b",
    r"\bcould you (?:explain|tell me (?:how|what|which|whether))\b",
    r"\btell me (?:what|whether|which|how)\b",
    r"\b(?:look|looking) at my\b",
    r"\bwhich (?:one|option|approach|provider|vendor|tool|platform|framework|structure|route|path)\b",
    r"\bany idea (?:how|what|whether|if|which|why)\b",
    r"\bcan you (?:explain|help me understand)\b",
    r"\bwhat (?:should|would|do) (?:i|we) (?:do|choose|pick|use|charge|expect)\b",
    r"\bwhere (?:should|do|can) i (?:start|begin|file|look)\b",
    r"\bwhen (?:should|do) (?:i|we)\b",
    r"\b(?:what|which|how|whether)\b[^.?!\n]{0,60}?\bdo you think\b",
    r"\bhow (?:would|should|do|can|could) (?:you|we)\b",
    r"\bwhat (?:is|are|'s) (?:the )?(?:best|right|correct|proper|usual|standard) (?:way|approach|option|tool|rate|"
    r"price|structure|setup|process)\b",
) + RF3_QUESTION

#: Sentences that ask for knowledge without one of the ``RF7_ASK`` forms (the checker also treats every
#: sentence with a question mark as a question).
RF7_KNOWLEDGE = (
    r"\b(?:i|we) (?:also |really |just )?(?:need|want|have) to (?:know|understand|find out|work out|figure out) "
    r"(?:whether|if|how|what|which|when|who|where)\b",
    r"\b(?:i'm|i am|we're|we are) (?:not sure|unsure|confused|stuck on|trying to (?:work out|figure out|understand|"
    r"decide)) (?:about )?(?:whether|if|how|what|which|when)\b",
    r"\bmy (?:main |real |actual )?question (?:is|was)\b",
    r"\b(?:am|are|is) (?:i|we|they|it) (?:allowed|permitted|entitled|obliged|required|liable|able legally)\b",
    r"\b(?:tell|explain to|show) (?:me|us) (?:whether|if|how|what|which|why|when|where)\b",
    r"\b(?:explain|clarify) (?:how|whether|what|why|when|which)\b",
    r"\b(?:wondering|wonder) (?:whether|if|how|what|which|why|when)\b",
    r"\bhow (?:does|do|would|will) (?:\w+ ){1,4}?(?:work|apply|affect)\b",
    r"\b(?:need|want|would like|could use|looking for|grateful for|appreciate) (?:some |a bit of |a little |your )?"
    r"(?:help|guidance|advice|input|steer) (?:understanding|with|on|figuring out|working out|deciding|choosing|"
    r"about)\b",
    r"\bhow (?:the |this |that |a |an )?(?:[\w-]+ ){0,3}?(?:applies|works|affects) (?:to )?",
    r"\b(?:decide|deciding|choose|choosing|torn|weighing up|pick|picking) between\b",
    r"\b(?:i'?d|i would|we'?d|we would) (?:love|like|be keen|be interested) to (?:know|hear|understand) "
    r"(?:whether|if|how|what|which|your)\b",
)


def _t(text: str) -> tuple[str, ...]:
    """Split a comma-separated term list (the lexicon below) into a tuple of terms."""
    return tuple(x.strip() for x in text.replace("\n", " ").split(",") if x.strip())


#: Topic domains for RF7: name -> distinctive terms (words or phrases). Matched whole-word on the question's
#: words after a light plural normalisation (no aggressive stemming, so "value" never meets "valuation" and
#: "development" never meets "developer"). A domain is inside the expertise when an expertise phrase
#: contains one of its terms; a question is out of depth when its topic terms fall in domains the
#: expertise does not touch. Everyday words are never terms on their own (or are weak, ``WEAK_TERMS``).
DOMAINS: dict[str, tuple[str, ...]] = {
    "tax and accounting": _t("""
        tax, taxes, taxation, taxable, vat, vat registration, vat return, vat number, reverse charge,
        reverse-charge, sales tax, income tax, corporation tax, corporate tax, capital gains, tax return,
        tax year, estimated tax, quarterly tax, tax payments, tax bill, tax code, tax bracket, tax relief,
        tax credit, tax deduction, tax-deductible, deductible, depreciation, withholding, withholding tax,
        payroll, payroll tax, bookkeeping, bookkeeper, accountant, accountancy, accounting, self-assessment,
        hmrc, irs, 1099, w-2, w-9, ein, gst, hst, tax residency, tax resident, double taxation, llc, s-corp,
        c-corp, sole trader, sole proprietor, sole proprietorship, limited company, ltd company,
        balance sheet, profit and loss, p&l, cash flow forecast, invoice factoring, audit, auditor,
        fiscal, expense claim, mileage allowance, inheritance tax, stamp duty, ir35, national insurance,
        corporation tax return, tax-efficient, tax efficient, go limited, umbrella company, dividend tax,
        pay myself, director's loan, vat-registered, vat registered, making tax digital
    """),
    "employment and labour law": _t("""
        employment law, labour law, labor law, employment contract, employment tribunal, union contract,
        union agreement, collective agreement, collective bargaining, trade union, labor union, labour union,
        union rep, overtime, mandatory overtime, double time, time and a half, overtime pay, minimum wage,
        living wage, unfair dismissal, wrongful dismissal, wrongful termination, constructive dismissal,
        dismissal, redundancy, redundancies, severance, severance pay, settlement agreement, non-compete,
        non-solicit, disciplinary, disciplinary hearing, grievance, grievance procedure, maternity leave,
        paternity leave, parental leave, sick pay, statutory sick pay, holiday pay, notice period, at-will,
        whistleblowing, whistleblower, discrimination claim, harassment claim, zero-hours, furlough,
        right to work, working time regulations, working time directive, union, acas, tupe,
        holiday entitlement, statutory redundancy, probation period, employment contract, contract of employment,
        unpaid leave, flexible working request, bereavement leave, disciplinary procedure
    """),
    "tenancy and housing law": _t("""
        tenancy, tenancy agreement, lease agreement, lease, landlord, landlords, tenant, eviction, evict,
        deposit protection, tenancy deposit, security deposit, section 21, rent increase, rent arrears,
        subletting, sublet, letting agent, break clause, service charge, leasehold, freehold, ground rent,
        right to rent
    """),
    "immigration": _t("""
        visa, work visa, skilled worker visa, immigration, immigration lawyer, residence permit,
        residency permit, work permit, green card, h-1b, citizenship, naturalisation, naturalization, asylum,
        sponsorship licence, indefinite leave to remain, settled status, blue card
    """),
    "data protection and compliance": _t("""
        gdpr, uk gdpr, ccpa, hipaa, data protection, data protection officer, dpo, data processing agreement,
        dpa, data processor, data controller, subject access request, right to erasure, retention rules,
        retention policy, retention period, data retention, privacy policy, privacy notice, cookie banner,
        cookie consent, lawful basis, legitimate interest, data breach, business associate agreement, baa,
        personal data, consent records, pii, soc 2, iso 27001, pci dss, ferpa, coppa, compliance, compliant,
        retention
    """),
    "intellectual property": _t("""
        patent, provisional patent, patent application, patent attorney, pct, pct application, prior art,
        public disclosure, trademark, trade mark, copyright, copyrighted, licensing agreement,
        licence agreement, license agreement, royalty, royalties, infringement, infringe, intellectual property,
        ip rights, trade secret, design right, registered design, nda
    """),
    "law, contracts and companies": _t("""
        law, lawsuit, litigation, sue, suing, small claims, small claims court, court, liability,
        limited liability, indemnity, indemnification, arbitration, breach of contract, contract dispute,
        terms and conditions, terms of service, legally binding, legal advice, legally, legal, lawyer,
        solicitor, attorney, barrister, incorporation, incorporate, articles of association,
        shareholder agreement, operating agreement, probate, power of attorney, divorce, custody, prenup,
        state law, federal law, jurisdiction, statute of limitations, liquidated damages,
        non-disclosure agreement, defamation, libel, contract law, regulator, regulatory
    """),
    "startup finance and investing": _t("""
        valuation, pre-money, post-money, cap table, term sheet, priced round, pre-seed, seed round,
        series a, series b, dilution, convertible note, safe note, liquidation preference, esop, option pool,
        stock options, vesting, vesting schedule, venture capital, angel investor, angel investors,
        fundraising, fundraise, investor deck, due diligence, ipo, bridge loan, revenue-based financing,
        investor, investors, equity
    """),
    "personal finance and investing": _t("""
        mortgage, remortgage, pension, pensions, index fund, etf, stock market, stocks, bonds, dividends,
        crypto, cryptocurrency, bitcoin, ethereum, retirement savings, 401k, ira, roth ira, isa,
        interest rate, credit score, savings account, annuity, investment portfolio, financial adviser,
        financial advisor, life insurance, brokerage account, bridging loan, business loan, overdraft,
        tracker mortgage, fixed rate, lifetime isa, premium bonds
    """),
    "charities and non-profits": _t("""
        gift aid, gift-aided, gift-aid, charity commission, charity law, charitable status, registered charity,
        charitable trust, trading subsidiary, restricted funds, unrestricted funds, trustee board, trustees,
        501(c)(3), 501c3, non-profit status, nonprofit status, charitable incorporated organisation, cio
    """),
    "business sale and acquisitions": _t("""
        ebitda, earn-out, earnout, acquisition, acquisitions, buyout, management buyout, mergers, m&a,
        asset purchase, share purchase, heads of terms, letter of intent, goodwill, exit multiple,
        sell the business, selling the business, business valuation, deferred consideration
    """),
    "insurance": _t("""
        professional indemnity, professional indemnity insurance, public liability insurance,
        liability insurance, insurance policy, insurance premium, insurer, underwriter, insurance claim,
        malpractice insurance, insurance
    """),
    "medicine and health": _t("""
        diagnosis, diagnose, symptom, medication, medicine, dosage, dose, dosing, clinical, patient,
        surgery, surgeon, prescription, prescribe, disease, medical, doctor, physician, gp, blood pressure,
        vaccine, vaccination, physiotherapy, physiotherapist, clinical trial, side effect, chronic pain,
        cardiologist, chest pain, dermatologist, blood test, x-ray, mri, rash, allergy, migraine, insomnia,
        pregnancy, fertility, antibiotic, diabetes, cholesterol, heart rate, psychiatrist, antidepressant,
        anticoagulant, pharmacy, pharmacist, drug interaction, drug, icu, intensive care, hospital, nursing,
        nurse, therapy, therapist, mental health, ehr, pharmacotherapy, pharmacokinetic
    """),
    "animals and veterinary care": _t("""
        vet, veterinary, veterinarian, puppy, kitten, dog, cat, horse, pet, livestock, animal behaviour,
        animal behavior
    """),
    "nutrition and fitness": _t("""
        diet, nutrition, nutritionist, calorie, protein intake, weight loss, workout, marathon,
        strength training, supplement, keto, vegan diet, personal trainer
    """),
    "software development": _t("""
        microservice, monolith, java, python, javascript, typescript, golang, react, node.js, database,
        sql, postgres, postgresql, mysql, mongodb, document database, nosql, redis, api, rest api, graphql,
        backend, back end, frontend, front end, codebase, source code, refactor, refactoring, code review,
        unit test, git, github, gitlab, tech stack, django, rails, ruby on rails, laravel, php, programming,
        programming language, software engineer, software engineering, mobile app, ios app, android app,
        web app, app development, software, developer, open source, compiler, kotlin, flutter,
        database schema, orm, pull request, repository, firebase, supabase, authentication, user login,
        no-code, bubble.io, webflow, zapier, airtable, api integration, react native, swift ui, app store
    """),
    "cloud infrastructure and devops": _t("""
        kubernetes, k8s, docker, container, cluster, node pool, autoscaling, autoscaler, devops, ci/cd,
        deployment, deploy, aws, azure, gcp, google cloud, cloud provider, cloud hosting, cloud host,
        cloud cost, cloud storage, cloud, server, hosting, host, managed database, managed postgres,
        encryption, encryption key, key management, kms, latency, scalability, terraform, serverless,
        load balancer, caching, cdn, dns, vpn, firewall, network security, cybersecurity, cyber security,
        penetration test, pen test, ssl certificate, sso, single sign-on, active directory, backup,
        data centre, data center, uptime, helm, audit logging, audit log, lift-and-shift, storage, logging,
        on-premise, on-prem, patient portal
    """),
    "business it systems": _t("""
        hris, erp, crm system, it system, saas, data migration, migrate, migration, vendor lock-in, wordpress,
        shopify, squarespace, wix, website builder, domain name, email server, password manager, it support,
        microsoft 365, office 365, google workspace, sharepoint, spreadsheet macro, excel macro, vba, laptop,
        router, wifi, crm
    """),
    "data science and machine learning": _t("""
        machine learning, neural network, regression model, dataset, llm, large language model, fine-tuning,
        embeddings, model training, statistics, statistical significance, classifier, deep learning,
        data pipeline, data warehouse, dashboarding, prompt engineering, ai model, computer vision
    """),
    "marketing and advertising": _t("""
        seo, search engine optimisation, search engine optimization, sem, google ads, facebook ads, meta ads,
        ppc, pay-per-click, conversion rate, sales funnel, funnel, lead generation, email marketing, ad spend,
        paid social, cpc, cpm, attribution, landing page, a/b test, influencer, social media ads,
        brand awareness, newsletter growth, ad campaign, advertising, marketing campaign, marketing budget,
        marketing strategy, instagram, tiktok, followers, hashtag, content calendar, press release,
        ads, clicks
    """),
    "sales": _t("""
        sales pipeline, quota, prospecting, cold calling, cold email, closing deals, commission structure,
        upsell, churn, sales team compensation
    """),
    "architecture and building design": _t("""
        architecture, architectural, architect, building design, planning permission, planning application,
        planning consent, permitted development, listed building, conservation area, building regulations,
        building regs, building control, building permit, zoning, floor plan, elevation, facade, façade,
        cladding, passive house, passivhaus, insulation, u-value, thermal bridging, extension,
        rear extension, loft conversion, renovation, refurbishment, retrofit, bim, revit, autocad,
        sketchup, daylighting, fire escape, fire strategy, construction, interior design, landscape design,
        timber frame, mass timber, glazing, planning officer, design and access statement, heat pump, mvhr,
        ventilation, underfloor heating, epc, energy performance certificate, solar panel, square footage
    """),
    "structural and civil engineering": _t("""
        structural engineer, structural engineering, structural calculations, load-bearing,
        load-bearing wall, steel beam, rsj, beam size, beam sizing, foundation design, retaining wall,
        subsidence, underpinning, piling, soil report, geotechnical, concrete slab, rebar, seismic,
        wind load, deflection, span table
    """),
    "real estate and property investment": _t("""
        property investment, buy-to-let, conveyancing, conveyancer, real estate, estate agent, realtor,
        property valuation, house price, property market, rental yield, land registry, title deed, property
    """),
    "gardening and horticulture": _t("""
        gardening, horticulture, horticultural, perennial, shrub, evergreen, clay soil, soil ph, compost,
        pruning, prune, seedling, herbaceous, flower bed, vegetable patch, allotment, greenhouse, lawn, weeds,
        planting, plant, garden, bulbs, hedge, hedging
    """),
    "hardware and manufacturing": _t("""
        pcb, firmware, circuit, soldering, microcontroller, arduino, raspberry pi, sensor, battery,
        enclosure, 3d printing, injection moulding, injection molding, bill of materials, cnc, wearable,
        manufacturing, factory, supplier sourcing, tolerances
    """),
    "logistics and supply chain": _t("""
        freight, shipping, customs, customs clearance, incoterms, warehouse, inventory, procurement software,
        supply chain, import duties, import duty, tariff, fulfilment, fulfillment, 3pl, pallet
    """),
    "public speaking and presentations": _t("""
        presentation, present, presenting, keynote, speech, public speaking, talk, storytelling, town hall,
        all-hands, board presentation, media interview, audience, pitch deck, hostile questions, nerves,
        stage fright, slides, speaker, executive presence
    """),
    "people leadership and management": _t("""
        leadership, leader, manager, management, team, morale, delegation, conflict, feedback,
        difficult conversation, one-on-one, performance review, stakeholder, culture, engagement,
        change management, communication, communicate, message, narrative, facilitation, workshop, coaching,
        coach, mentoring
    """),
    "careers and recruiting": _t("""
        resume, cv, cover letter, salary negotiation, salary, pay rise, job search, career change, interview,
        recruiter, hiring process, linkedin profile, promotion, job offer
    """),
    "design and user experience": _t("""
        ux, ui, wireframe, figma, usability, user research, typography, prototype, prototyping,
        design system, logo design, brand identity
    """),
    "teaching and education": _t("""
        curriculum, lesson plan, pedagogy, grading, syllabus, classroom, classroom management, lecture,
        course design, ofsted, special educational needs, iep, exam board, gcse, a-level, phonics,
        homeschooling, student, teacher, teaching
    """),
    "writing and publishing": _t("""
        literary agent, manuscript, publisher, book proposal, self-publishing, isbn, query letter,
        ghostwriter, book deal
    """),
    "food and hospitality": _t("""
        food hygiene, food safety, allergen labelling, commercial kitchen, liquor licence, liquor license,
        alcohol licence, restaurant, catering, sommelier, menu costing
    """),
    "cars and vehicles": _t("""
        car insurance, gearbox, mot, car repair, mechanic, tyres, tires, electric car, ev charger, leasing a car
    """),
    "parenting and childcare": _t("""
        school admissions, nursery place, childcare, childminder, toddler, tantrum, breastfeeding,
        sleep training, baby
    """),
}

#: Lexicon words that are also everyday words ("talk", "lease", "union", "cloud"): they count half as much
#: as a distinctive term, so one of them alone never makes a question out of depth.
WEAK_TERMS = frozenset(_t("""
    talk, present, presenting, presentation, message, team, manager, leader, leadership, audience, speaker,
    slides, narrative, culture, engagement, feedback, communication, communicate, coach, coaching, workshop,
    conflict, interview, promotion, equity, investor, investors, storage, server, portal, logging,
    deployment, deploy, migrate, migration, software, property, tenant, lease, audit, auditor, patient,
    doctor, sensor, battery, factory, prototype, prototyping, ui, student, teacher, teaching, lecture,
    classroom, funnel, clicks, followers, legal, court, compliance, compliant, retention, regulatory,
    regulator, liability, cloud, hosting, host, database, api, resume, cv, facilitation, morale, delegation,
    stakeholder, nerves, speech, storytelling, keynote, cluster, container, developer, backup, union, law,
    dose, drug, hospital, nurse, nursing, therapy, therapist, medicine, clinical, construction, extension,
    renovation, elevation, architect, architecture, fiscal, valuation,
    shipping, warehouse, inventory, pet, dog, cat, horse, baby, diet, supplement, restaurant, catering,
    mechanic, laptop, router, wifi, saas, ads, statistics, dataset, manufacturing, tolerances,
    enclosure, repository, mentoring, recruiter,
    curriculum, syllabus, grading, management, salary, planting, plant, garden, bulbs, hedge, hedging, lawn,
    weeds, personal data, one-on-one, difficult conversation,
    performance review, change management, cover letter, salary negotiation, job search, career change,
    hiring process, linkedin profile, job offer, pay rise
"""))

#: Words that say nothing about a topic (dropped before comparing a question with the expertise).
_TOPIC_STOPWORDS_WORDS = """
    a about above after again against all also am an and any anyone anything are aren't around as at be
    because been before being below best better between both but by can can't cannot could couldn't did
    didn't do does doesn't doing don't down during each even ever every few for from further get gets getting
    give go going good got great had hadn't has hasn't have haven't having he he'd he'll he's her here hers
    herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself just know
    let's like likely lot lots make many may me might more most much must mustn't my myself need needs no nor
    not now of off often on once one only or other ought our ours ourselves out over own quite rather really
    right same say see seem she she'd she'll she's should shouldn't so some something still such sure take
    than that that's the their theirs them themselves then there there's these they they'd they'll they're
    they've thing things think this those though through to too under until up upon us use used using very
    via want wants was wasn't way we we'd we'll we're we've well were weren't what what's when when's where
    where's whether which while who who's whom why why's will with within without won't work working would
    wouldn't yet you you'd you'll you're you've your yours yourself yourselves
    advice advise advising recommend recommendation view views opinion opinions approach approaches question
    questions help helping call calls chat quick short brief direction point pointer pointers tip tips idea
    ideas thought thoughts perspective input take time times week weeks month months year years next new day
    days today tomorrow hi hello dear thanks thank regards best kind warm cheers email mail reply reach reaching
    happy glad love hope hoping wondering wonder ask asking asked know knowing knew tell telling told look
    looking find finding decide deciding decision choose choosing choice option options current currently
    whole full part only either neither ten two three four five first second last mind able willing open
    people person someone everyone anybody team's also go-to way ways sort kind stuck honestly fair terms
    """
TOPIC_STOPWORDS = frozenset(_TOPIC_STOPWORDS_WORDS.split())

#: Expertise words too general to show that a question is inside the expertise.
_EXPERTISE_GENERIC_WORDS = """
    new giving receiving difficult change changes team teams people work good better general management
    skills skill strategy strategies development developing building build practice practices services
    service consulting advice support business professional professionals information review reviews
    program programme programs administration care critical safety general principal senior junior lead
    leading design designs planning management managing project projects application applications apply
    regulation regulations statement statements system systems solution solutions residential commercial
    domestic public private small large local international national existing low high sector client clients
    customer customers staff process processes quality standard standards listed
    """
EXPERTISE_GENERIC = frozenset(_EXPERTISE_GENERIC_WORDS.split())

# --------------------------------------------------------------------------------------------------
# RF3 generic asks (article red flag 3): a request addressed to the reader recognised by its grammar, not by
# a favour phrase. The verb (or object) after the request frame decides: offers to the reader, sales calls to
# action and courtesy formulas are not favours.
# --------------------------------------------------------------------------------------------------

#: Request frames addressed to the reader; group ``v`` is the first word of what is asked.
RF3_ASK_FRAMES = (
    r"\b(?:could|would|can|will) you (?:please |kindly |possibly |perhaps |maybe |also |at all |ever |just |quickly )*"
    r"(?:consider )?(?P<v>[a-z'-]+)",
    r"\b(?:would|are|were) you (?:be )?(?:able|willing|open|happy|prepared|free|in a position) to (?P<v>[a-z'-]+)",
    r"\b(?:i|we)(?:'d| would) (?:really |so |very |be (?:so |very |really )?)?(?:love|like|be grateful|grateful|"
    r"appreciate it|appreciate|be thankful|be delighted|be glad) if you (?:could |would |might |were able to "
    r"|can )?(?P<v>[a-z'-]+)",
    r"\b(?:i|we)(?: was| am|'m| were|'re| are)? (?:hoping|wondering if|wondering whether) (?:that )?you "
    r"(?:could|might|would|can|'d|'d be able to|would be able to|might be able to) (?P<v>[a-z'-]+)",
    r"\bany chance you (?:could|might|would|can|'d) (?P<v>[a-z'-]+)",
    r"\bis it possible for you to (?P<v>[a-z'-]+)",
    r"\b(?:do|would) you (?:mind|have (?:the )?time to) (?P<v>[a-z'-]+)",
    r"^(?:(?:so|and|also|but|now|hi|hello) ?,? )?please (?:could you |would you |can you )?(?P<v>[a-z'-]+)",
)

#: What is asked is not a favour when it starts with one of these words (stems; "-ing"/"-ed" are stripped):
#: offers to the reader, connection/invitation formulas, sales calls to action, courtesy formulas.
_ASK_NOT_FAVOUR_WORDS = """
    speak present talk keynote judge host chair moderate attend come visit join appear feature be accept
    connect link follow add like want enjoy interest consider try test trial book schedule register
    subscribe unsubscribe claim confirm reply respond rsvp click see take find note feel let excuse
    forgive pardon bear rest allow don't do not hesitate keep remember treat say thank buy order
    purchase upgrade switch renew pay use start receive collect pick download install call ring phone
    meet chat hop jump grab imagine believe a an the our my your this that these those it there here me us
    him her them any some so not just what which who how where when why whether if mind collaborate partner
    hear discuss explore learn submit serve
"""
RF3_ASK_NOT_FAVOUR = frozenset(_ASK_NOT_FAVOUR_WORDS.split()) | frozenset((
    "check out", "sign up", "get back", "get in", "look out", "look forward", "put up"))

#: In the clause after the ask verb, an offer to the reader (a talk, a board seat, an award) or a commercial
#: object (purchasing, the sender's product) makes the ask an invitation or a sales step, not a favour; unless
#: "my"/"me" comes first (the sender's own CV or work).
RF3_OFFER_OBJECT = (
    r"\b(?:talk|seminar|lecture|keynote|webinar|workshop|panel|podcast|masterclass|colloquium|plenary|symposium|"
    r"summit|conference|special issue|journal|award|prize|purchas\w*|procure\w*|supplier|vendor|pricing|price list|"
    r"quote for)\b",
    r"\bour (?:[\w-]+ )?(?:product|platform|service|solution|tool|kit|app|software|catalog|catalogue|range|"
    r"directory|network|community|board|committee|event|programme|program|newsletter|offer|listing)s?\b",
)

#: Something given to the reader in the same sentence (a free sample, a fee, an honorarium): the ask is an
#: offer or an exchange, not a favour.
RF3_OFFERED_TO_READER = (
    r"\b(?:free|no cost|complimentary|discount\w*|trial|samples?|demo|honorarium|stipend|compensat\w*|paid|"
    r"fee|commission|in return|in exchange)\b",
)


#: Verbs of a favour done for the sender (stems): a generic ask counts only when its verb is one of these,
#: so an unfamiliar verb is never read as a favour.
_FAVOUR_VERB_WORDS = """
    share send forward pass introduce put refer recommend write sign review read look check help advise mentor
    supervise explain answer spare lend give provide post endorse vouch nominate sponsor support teach show walk
    comment proofread edit critique assess evaluate suggest point tell fill complete vote back second countersign
    witness certify approve sanction release email mail circulate repost boost mention guide coach host hire
    employ
"""
RF3_FAVOUR_VERBS = frozenset(_FAVOUR_VERB_WORDS.split())

#: Asks whose frame verb is on the not-a-favour list but whose object makes them a favour: "be my mentor",
#: "be a referee for me", "do me a favour".
RF3_BE_ROLE = (
    r"\bdo (?:me|us) (?:a |one )?(?:small |quick |big |huge |little )?(?:favou?r|kindness)\b",
    r"\b(?:be|being|serve as|serving as|act as|acting as) (?:my|our|a|an|one of my|one of our) (?:[\w-]+ )?"
    r"(?:mentor|referee|reference|sponsor|adviser|advisor|"
    r"reviewer|examiner|supervisor|coach|guarantor|witness|signatory|nominator|champion|sounding board)\b",
)

#: Noun asks: "your feedback", "a reference from you" in a request sentence.
RF3_NOUN_ASK = (
    r"\b(?:a|an|your) (?:quick |short |brief |honest |frank |expert |professional |written |personal |"
    r"supporting |strong )?(?:referral|introduction|intro|reference|letter of (?:support|recommendation|reference)|"
    r"review|feedback|advice|opinion|guidance|input|endorsement|signature|sign-off|recommendation)"
    r"(?: from you)?\b",
)

#: Direct advice questions to the reader (counted in a sentence with '?').
RF3_ADVICE_QUESTION = (
    r"\bwhat would you (?:recommend|suggest|advise|do|say|charge|choose|pick)\b",
    r"\bhow would you\b",
    r"\bwhich (?:\w+ )?would you\b",
    r"\bshould (?:i|we)\b(?! (?:set up|schedule|book|arrange|talk|chat|meet|hop|jump|connect|catch up))",
    r"\b(?:do|would) you think (?:i|we|my|our|it(?:'s| is| would be) (?:worth|wise|better|possible))\b",
    r"\bcan (?:i|we) (?:trust|rely on|ignore|skip|use)\b",
    r"\bany (?:tips|advice|pointers)\b",
    r"\bany (?:thoughts|ideas|suggestions) (?:on|about) (?:how|whether|what|which|my|the best)\b",
    r"\bis (?:it|this|that) (?:normal|reasonable|fair|safe|legal|allowed|enough|too)\b",
)

# --------------------------------------------------------------------------------------------------
# RF2 generic ethics signs (article red flag 2): an ask that must be hidden from the people it affects,
# material that is someone else's or confidential by nature, records that would be false, data made up.
# --------------------------------------------------------------------------------------------------

#: The ask is to be hidden from a third party (with any request in the mail: ``concealed-ask``).
RF2_HIDE_FROM_OTHERS = (
    r"\b(?:nobody|no one|no-one|none of them) (?:will|would|'ll|is going to|'s going to) (?:ever )?(?:be )?"
    r"(?:any )?(?:the )?(?:wiser|know|notice|find out|check|ask|spot it|be able to tell)\b",
    r"\b(?:no need|there'?s no need|you don'?t need|you needn'?t|we don'?t need) to (?:mention|tell|say|show|"
    r"run|flag|copy|cc)(?: it| this| that| anything)? (?:to|with|in front of) (?:the |your |my |our |their |"
    r"[a-z]+)",
    r"\b(?:without|no need for|no need to|don'?t need to|needn'?t) (?:asking|telling|informing|involving|"
    r"copying in|ask|tell|inform|involve|bother(?:ing)?) (?:the |their |your |our )?(?:owners?|clients?|"
    r"patients?|families|parents|participants|subjects|authors?|applicants?|candidates?|panel|committee|"
    r"board|ethics|irb|them first|them)\b",
    r"\b(?:they|he|she|the (?:client|owners?|authors?|panel|committee|funder|journal|editor|council|inspector))"
    r" (?:won'?t|will never|wouldn'?t|would never|needn'?t|doesn'?t need to|don'?t need to) (?:ever )?(?:know|"
    r"find out|notice|see it|be told|hear about it)\b",
    r"\b(?:i|we)(?:'d|'ll| would| will) keep (?:it|them|this|these|that|everything) (?:completely |entirely |"
    r"strictly |totally )?to (?:myself|ourselves)\b",
)

#: The sender knows the material is confidential and asks anyway (with a request: ``confidential-ask``).
RF2_CONFIDENTIAL_ACK = (
    r"\b(?:i|we) (?:know|realise|realize|understand|appreciate|get) (?:that )?(?:they'?re|these are|those are|"
    r"it'?s|this is|that'?s|they are|it is|the \w+ (?:is|are)) (?:\w+ )?(?:confidential|private|not public|"
    r"not meant to be shared|under embargo|embargoed|sensitive|not supposed to (?:be shared|go out|leave))\b",
    r"\b(?:even|although|though) (?:if |though )?(?:they'?re|it'?s|they are|it is|these are) (?:technically |"
    r"strictly )?(?:confidential|private|embargoed)\b",
)

#: Material that belongs to someone else or is confidential by its nature: other people's applications,
#: reviews and grant renewals, assessment material, another client's drawings (with a share ask).
RF2_OTHERS_MATERIAL = (
    r"\b(?:someone else'?s|somebody else'?s|other people'?s|others'|another (?:\w+ )?(?:applicant|candidate|"
    r"student|lab|group|client|practice|team|author|bidder)'s|the other (?:applicants|candidates|bidders)'?|"
    r"[a-z]+'s) (?:\w+ )?(?:applications?|grant (?:renewals?|proposals?|applications?)|renewals?|reviews?|"
    r"referee reports?|reviewer (?:comments|reports?)|manuscripts?|proposals?|submissions?|bids?|tenders?|"
    r"drawings?|plans|files|cad files|designs?|records|notes|results|data)\b",
    r"\b(?:drawings?|plans|files|designs?|records|notes|data|results|specs?) (?:for|of|from) (?:their|his|her|"
    r"[a-z]+'s|another|other people'?s|someone else'?s)\b",
    r"\b(?:their|his|her) (?:\w+ )?(?:applications?|grant (?:renewals?|proposals?)|renewals?|referee reports?|"
    r"manuscripts?|drawings?|cad files|designs?|plans|records|bids?|tenders?)\b",
    r"\b(?:marking|mark) (?:sheets?|schemes?|rubrics?|criteria|guides?)\b|\b(?:answer|model) (?:keys?|answers)\b|"
    r"\b(?:exam|examination|station|osce|viva|test) (?:briefs?|papers?|questions|scenarios|answers)\b",
    r"\b(?:reviews?|referee reports?|scores?|panel (?:notes|comments|scores)) (?:on|of|for) (?:the |my |our |"
    r"their |other )?(?:\w+ )?(?:applications?|proposals?|grants?|submissions?|renewals?)\b",
)

#: Data or images made up or altered to show a result (``data-manipulation``).
RF2_DATA_MANIPULATION = (
    r"\b(?:fabricate|fabricating|invent|inventing|make up|making up|fake|faking|fudge|fudging|massage|massaging|"
    r"cook|cooking|doctor|doctoring) (?:\w+ ){0,3}?(?:data|numbers|results|figures|readings|measurements|"
    r"values|points|replicates|records|entries)\b",
    r"\b(?:tweak|tweaking|adjust|adjusting|touch up|touching up|photoshop|photoshopping|splice|splicing|clean "
    r"up|cleaning up|edit|editing|brighten|darken|erase|erasing|remove|removing|reuse|reusing|duplicate|"
    r"duplicating|copy|copying)\b[^.?!\n]{0,40}?\b(?:blots?|gels?|bands?|lanes?|micrographs?|images?|"
    r"panels?|figures?|spectra|traces?|data points?|readings)\b[^.?!\n]{0,60}?\b(?:so (?:that )?(?:it|they|"
    r"the \w+) (?:look|looks|match|matches|show|shows|fit|fits)|look (?:cleaner|better|nicer|convincing)|"
    r"significan\w*|for (?:both|the other)|nobody|no one|reviewers? (?:won'?t|will not))",
    r"\b(?:drop|dropping|exclude|excluding|leave out|leaving out)\b[^.?!\n]{0,40}?\b(?:outliers?|animals?|"
    r"samples?|patients?|data points?|runs?|replicates?)\b[^.?!\n]{0,40}?\b(?:until|so (?:that )?(?:it|we|"
    r"the)|to get) (?:\w+ ){0,3}?(?:significan\w*|p ?<|the result|it works)\b",
    r"\b(?:make|get) (?:the )?(?:numbers|data|results|figures|stats|statistics) (?:look|work|fit|come out)\b",
)

#: Paying for more than is done ("quote you for three and only run two").
RF2_QUOTE_SHORTFALL = (
    r"\b(?:quote|invoice|bill|charge|claim)(?:d)? (?:you|them|us|the \w+|\w+) for (?:\w+ ){0,2}?(?:\d+|two|"
    r"three|four|five|six|seven|eight|nine|ten|twelve|twenty)\b[^.?!\n]{0,50}?\b(?:only|just|actually) "
    r"(?:run|do|did|deliver|use|send|ship|process|sequence|analy[sz]e|test|visit|supply|provide|book|"
    r"perform)\w* (?:\w+ )?(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)\b",
)

#: Certify or record work as complete/passed (with ``RF2_SHORTFALL`` or ``RF2_HIDE_FROM_OTHERS``).
RF2_CERTIFY_AS = (
    r"\b(?:certify|certifying|sign off|signing off|sign|signing|confirm|confirming|approve|approving|mark|"
    r"marking|record|recording|pass|passing|value|valuing)\b[^.?!\n]{0,60}?\bas (?:complete|completed|finished|"
    r"done|passed|satisfactory|compliant|practically complete|signed off|fit|safe|sound)\b",
)
