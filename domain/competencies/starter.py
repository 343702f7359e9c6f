"""The starter framework: text only. `install.py` writes it into a tenant.

Eight leadership and five core competencies, each described on the default five-level
scale (Beginner, Developing, Proficient, Advanced, Expert) by a summary and two or three
observable behaviours per level, plus career levels IC1-IC4 and M1-M3 with what each
expects. Indicators describe what someone does, so a manager can point at an example;
admins edit all of it after installing.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.competencies.models import CompetencyCategory, Track
from domain.competencies.rules import LevelText

LEADERSHIP = CompetencyCategory.LEADERSHIP.value
CORE = CompetencyCategory.CORE.value
SCALE_SIZE = 5  # the indicators below are written for five levels


@dataclass(frozen=True, slots=True)
class StarterCompetency:
    name: str
    category: str
    description: str
    levels: tuple[LevelText, ...]


@dataclass(frozen=True, slots=True)
class StarterJobLevel:
    name: str
    track: Track
    rank: int
    description: str
    expects: dict[str, int]  # competency name -> expected level


def _levels(*texts: tuple[str, tuple[str, ...]]) -> tuple[LevelText, ...]:
    return tuple(LevelText(level, summary, indicators) for level, (summary, indicators) in enumerate(texts, start=1))


STARTER_COMPETENCIES: tuple[StarterCompetency, ...] = (
    # --- leadership -------------------------------------------------------------------
    StarterCompetency(
        "Communication", LEADERSHIP,
        "Shares information and intent clearly, listens actively, and adapts the message to the audience.",
        _levels(
            ("Shares updates when asked; messages sometimes need clarification.", (
                "Answers questions about their own work accurately when asked.",
                "Writes status updates that state what was done, though next steps are often missing.",
            )),
            ("Communicates own work clearly to the immediate team.", (
                "Gives updates that state progress, blockers and next steps without prompting.",
                "Checks understanding by summarising what they heard before acting on it.",
            )),
            ("Tailors messages to different audiences and keeps people informed proactively.", (
                "Explains the same change differently to engineers, customers and executives.",
                "Flags bad news early, with the impact and a proposed response.",
                "Runs meetings that end with recorded decisions, owners and dates.",
            )),
            ("Communicates complex or sensitive topics so that people understand and act.", (
                "Leads difficult conversations (reorganisations, missed targets) that leave people clear on what happens next.",
                "Invites dissent in meetings and visibly changes course when a better argument is made.",
                "Turns a strategy into a one-page narrative that teams quote back accurately.",
            )),
            ("Shapes how the organisation communicates and is sought out for high-stakes messages.", (
                "Sets communication norms (decision records, feedback rituals) that other teams adopt.",
                "Represents the organisation credibly to the board, partners or the press.",
            )),
        ),
    ),
    StarterCompetency(
        "Coaching", LEADERSHIP,
        "Helps others find their own answers and grow through questions, feedback and practice.",
        _levels(
            ("Shares own knowledge when a colleague asks for help.", (
                "Answers a colleague's question and shows how they found the answer.",
                "Accepts feedback on their own work without becoming defensive.",
            )),
            ("Gives useful, timely feedback to peers.", (
                "Gives specific feedback tied to an observed situation and its impact.",
                "Asks open questions before offering a solution when helping someone.",
            )),
            ("Coaches people through real work and agrees development goals with them.", (
                "Holds regular one-to-ones where the other person sets most of the agenda.",
                "Helps a report turn vague aims into a measurable development goal.",
                "Delivers corrective feedback privately and within days of the event.",
            )),
            ("Builds coaching into how the team works and develops other coaches.", (
                "Pairs people deliberately so that skills spread across the team.",
                "Helps new managers prepare and debrief their hardest feedback conversations.",
                "Can name, for each report, the skill they are building this quarter and the evidence so far.",
            )),
            ("Creates a coaching culture across the organisation.", (
                "Designs coaching or mentoring programmes that measurably raise engagement or promotion rates.",
                "Is sought out by senior leaders as a coach for their own development.",
            )),
        ),
    ),
    StarterCompetency(
        "Delegation", LEADERSHIP,
        "Hands over outcomes, not just tasks, with the context, authority and support to succeed.",
        _levels(
            ("Hands off simple tasks with step-by-step instructions.", (
                "Passes on a task with written steps and a deadline.",
                "Tends to take work back when it is not done their way.",
            )),
            ("Delegates whole tasks and checks in at agreed points.", (
                "States the expected result and the deadline when handing over work.",
                "Agrees check-in points in advance instead of checking in ad hoc.",
            )),
            ("Delegates outcomes matched to people's growth, with clear authority.", (
                "Explains why the work matters and which decisions the person may take alone.",
                "Chooses who gets a piece of work partly for the growth it offers them.",
                "Lets people solve problems their own way, intervening only when the outcome is at risk.",
            )),
            ("Delegates significant responsibilities and builds the team's capacity to own them.", (
                "Hands over ownership of a recurring process or a client relationship entirely.",
                "Frees their own calendar for strategic work by building deputies.",
                "Takes accountability publicly when delegated work fails, and coaches privately.",
            )),
            ("Designs the organisation so that decisions are made at the right level.", (
                "Defines decision rights across teams so that few decisions escalate to them.",
                "Builds a bench of leaders ready to step into their own role.",
            )),
        ),
    ),
    StarterCompetency(
        "Strategic Thinking", LEADERSHIP,
        "Sees the bigger picture, anticipates what is coming, and links daily work to long-term goals.",
        _levels(
            ("Understands how their own tasks fit the team's goals.", (
                "Can say which team goal a given piece of work supports.",
                "Asks why a task matters when the reason is not given.",
            )),
            ("Connects the team's work to the organisation's priorities.", (
                "Points out work that does not serve any current priority.",
                "Follows trends in their own field and shares the relevant ones with the team.",
            )),
            ("Sets team direction for the next year from the organisation's strategy.", (
                "Writes a team plan whose goals cascade from company or department goals.",
                "Weighs options by long-term impact, not only the quickest win.",
                "Stops or declines work that does not fit the strategy, and explains why.",
            )),
            ("Shapes the strategy of a department or function.", (
                "Anticipates market or technology shifts and proposes a response before they hit.",
                "Makes explicit trade-offs between competing priorities and secures agreement on them.",
                "Uses data about customers and competitors to challenge current assumptions.",
            )),
            ("Defines the organisation's long-term direction.", (
                "Sets a multi-year strategy that the organisation can translate into measurable goals.",
                "Spots opportunities outside the current business and builds the case to pursue them.",
            )),
        ),
    ),
    StarterCompetency(
        "Decision Making", LEADERSHIP,
        "Makes timely, well-reasoned decisions, balancing evidence, risk and the people affected.",
        _levels(
            ("Makes routine decisions within clear guidelines.", (
                "Follows the documented process for routine choices.",
                "Escalates decisions that fall outside the guidelines instead of guessing.",
            )),
            ("Makes sound decisions about their own work and explains the reasoning.", (
                "Gathers the relevant facts before deciding, without waiting for perfect information.",
                "States the reason for a decision when announcing it.",
            )),
            ("Makes timely decisions for the team, weighing risk and input from others.", (
                "Consults the people affected, then decides by the agreed date.",
                "Records decisions with the options considered and the reasons.",
                "Revisits a decision when new evidence appears, without reopening it endlessly.",
            )),
            ("Makes high-impact decisions under ambiguity and owns their consequences.", (
                "Decides with incomplete data by making risks explicit and planning mitigations.",
                "Distinguishes reversible from irreversible decisions and speeds up the former.",
                "Stands by unpopular decisions and explains them face to face.",
            )),
            ("Sets how the organisation makes decisions.", (
                "Defines decision frameworks (who decides, on what evidence, by when) used across teams.",
                "Makes organisation-wide calls whose reasoning holds up in hindsight reviews.",
            )),
        ),
    ),
    StarterCompetency(
        "Accountability", LEADERSHIP,
        "Owns commitments and results, reports honestly on them, and holds others to agreed standards.",
        _levels(
            ("Completes assigned tasks when reminded.", (
                "Meets most deadlines, sometimes after a reminder.",
                "Admits a mistake when it is pointed out.",
            )),
            ("Meets own commitments reliably.", (
                "Warns before a deadline, not after it, when it will slip.",
                "Owns their mistakes and proposes how to fix them.",
            )),
            ("Takes ownership of team results and sets clear expectations.", (
                "Agrees measurable goals with each team member and reviews them regularly.",
                "Addresses missed commitments directly, early and fairly.",
                "Reports the team's results honestly, including misses.",
            )),
            ("Builds a culture where people own outcomes.", (
                "Runs blameless reviews after failures that lead to concrete changes.",
                "Holds peers and senior colleagues to agreed commitments, respectfully.",
                "Tracks cross-team commitments to completion without being asked.",
            )),
            ("Models accountability at the top of the organisation.", (
                "Publicly owns organisation-level misses and the plan to recover.",
                "Designs performance systems that tie goals to results transparently.",
            )),
        ),
    ),
    StarterCompetency(
        "Developing Others", LEADERSHIP,
        "Builds people's skills and careers through stretch work, feedback and sponsorship.",
        _levels(
            ("Helps newcomers find their way around.", (
                "Shows new colleagues where to find tools, documents and people.",
                "Shares useful resources with teammates.",
            )),
            ("Supports colleagues' learning on the job.", (
                "Pairs with a less experienced colleague on a task and explains their reasoning.",
                "Onboards a new team member using the team's checklist.",
            )),
            ("Plans each report's development and creates opportunities for growth.", (
                "Agrees a development plan with each report, linked to a competency gap.",
                "Assigns stretch work and provides support while it is done.",
                "Discusses career paths and the next level's expectations openly.",
            )),
            ("Grows people beyond the team and sponsors talent.", (
                "Has reports promoted or moving into bigger roles on the strength of their growth.",
                "Advocates for high-potential people in talent reviews with evidence.",
                "Makes development a standing item in team rituals, not only at review time.",
            )),
            ("Builds the organisation's talent systems.", (
                "Shapes career frameworks and succession plans used across the organisation.",
                "Is known for developing leaders who go on to lead large teams.",
            )),
        ),
    ),
    StarterCompetency(
        "Change Leadership", LEADERSHIP,
        "Leads people through change: makes the case, involves those affected, and makes it stick.",
        _levels(
            ("Adjusts to changes once they are explained.", (
                "Follows a new process after it has been introduced.",
                "Asks questions when a change is unclear.",
            )),
            ("Supports changes and helps colleagues adopt them.", (
                "Tries a new way of working early and shares what they learned.",
                "Raises concerns about a change constructively, with alternatives.",
            )),
            ("Leads change within the team.", (
                "Explains why a change is needed and what will be different for each person.",
                "Involves the team in planning how a change is rolled out.",
                "Measures whether the change achieved what it was meant to.",
            )),
            ("Leads change across teams and through resistance.", (
                "Builds a coalition of supporters before launching a cross-team change.",
                "Treats resistance as information and adapts the plan to it.",
                "Sustains a change after launch until it becomes routine.",
            )),
            ("Drives organisation-wide transformation.", (
                "Leads transformations (new operating models, mergers) that deliver their intended results.",
                "Builds the organisation's capacity to change repeatedly without burning people out.",
            )),
        ),
    ),
    # --- core ---------------------------------------------------------------------------
    StarterCompetency(
        "Collaboration", CORE,
        "Works with others towards shared goals, sharing information and credit.",
        _levels(
            ("Cooperates when asked.", (
                "Completes their part of a shared task when asked.",
                "Shares information when a colleague requests it.",
            )),
            ("Contributes actively to the team.", (
                "Offers help to teammates who are behind without being asked.",
                "Shares credit for joint work.",
            )),
            ("Builds effective working relationships across teams.", (
                "Involves other teams early when their work will be affected.",
                "Resolves disagreements by focusing on the shared goal.",
                "Keeps shared documents and boards up to date so others can rely on them.",
            )),
            ("Brings groups together to solve shared problems.", (
                "Sets up cross-team working groups that deliver on a shared goal.",
                "Mediates conflicts between teams so that both sides commit to a way forward.",
            )),
            ("Shapes a collaborative culture across the organisation.", (
                "Removes structural barriers (incentives, tooling) that keep teams apart.",
                "Builds partnerships with other organisations that create value for both.",
            )),
        ),
    ),
    StarterCompetency(
        "Customer Focus", CORE,
        "Understands customers' needs and makes decisions that create value for them.",
        _levels(
            ("Knows who the customers of their work are.", (
                "Can name the internal or external customers of their work.",
                "Responds politely and promptly to customer requests.",
            )),
            ("Responds to customer needs reliably.", (
                "Follows a customer issue through until it is resolved.",
                "Asks what the customer is trying to achieve, not only what they asked for.",
            )),
            ("Uses customer insight to improve the work.", (
                "Brings customer feedback or data into team decisions.",
                "Prioritises fixes by their impact on customers.",
                "Sets and tracks service standards with the customer.",
            )),
            ("Anticipates customer needs and shapes offerings around them.", (
                "Spots unmet needs in customer data and proposes new solutions.",
                "Builds long-term relationships with key customers.",
            )),
            ("Makes the organisation customer-centred.", (
                "Puts customer outcomes into the organisation's goals and metrics.",
                "Is seen by major customers as a trusted partner.",
            )),
        ),
    ),
    StarterCompetency(
        "Problem Solving", CORE,
        "Identifies root causes, generates options and delivers practical solutions.",
        _levels(
            ("Solves routine problems with known solutions.", (
                "Uses documented fixes for familiar problems.",
                "Describes a problem clearly when asking for help.",
            )),
            ("Analyses problems in their own area.", (
                "Breaks a problem into parts and tests assumptions one at a time.",
                "Considers more than one solution before choosing.",
            )),
            ("Finds root causes and solves non-routine problems.", (
                "Uses data or structured methods (such as five whys) to find root causes.",
                "Fixes the cause, not just the symptom, and checks that it stays fixed.",
                "Involves the right experts when a problem crosses boundaries.",
            )),
            ("Solves complex, cross-functional problems.", (
                "Frames ambiguous problems so that teams can work on them.",
                "Balances speed and thoroughness according to the stakes.",
            )),
            ("Solves the organisation's hardest problems and teaches others how.", (
                "Resolves problems that span the organisation or have no precedent.",
                "Builds problem-solving practices that other teams adopt.",
            )),
        ),
    ),
    StarterCompetency(
        "Adaptability", CORE,
        "Stays effective when priorities, conditions or information change.",
        _levels(
            ("Adjusts to change with support.", (
                "Continues working when plans change, with guidance.",
                "Asks for help when a change affects their work.",
            )),
            ("Adjusts own work to changing priorities.", (
                "Re-plans their own work promptly when priorities change.",
                "Stays constructive under short-term pressure.",
            )),
            ("Stays effective through ambiguity and helps others adjust.", (
                "Makes progress when requirements are unclear by proposing a working assumption.",
                "Learns new tools or domains quickly when the work requires it.",
                "Helps teammates re-plan when priorities shift.",
            )),
            ("Thrives in uncertainty and adapts the team's approach.", (
                "Changes the team's approach when evidence shows it is not working.",
                "Keeps the team steady through prolonged uncertainty.",
            )),
            ("Builds an organisation that adapts quickly.", (
                "Designs structures and plans that can change without major disruption.",
                "Models calm, decisive adaptation during crises.",
            )),
        ),
    ),
    StarterCompetency(
        "Ownership", CORE,
        "Takes responsibility for outcomes beyond the assigned task and acts without waiting to be asked.",
        _levels(
            ("Completes assigned work.", (
                "Finishes assigned tasks to the expected standard.",
                "Reports problems they notice to someone who can act.",
            )),
            ("Owns their work end to end.", (
                "Follows their work through to the outcome, not just the hand-off.",
                "Fixes small problems they find without being asked.",
            )),
            ("Acts like an owner of the team's results.", (
                "Picks up unowned problems that affect the team's goals.",
                "Improves team processes they find wasteful.",
                "Thinks about cost and value as if it were their own money.",
            )),
            ("Takes ownership of outcomes beyond their own team.", (
                "Drives cross-team issues to resolution even without formal authority.",
                "Makes long-term investments (quality, documentation) that pay off for others.",
            )),
            ("Sets the standard for ownership in the organisation.", (
                "Takes responsibility for organisation-wide outcomes and their trade-offs.",
                "Builds a culture where people act without waiting for permission.",
            )),
        ),
    ),
)

_CORE_NAMES = ("Collaboration", "Customer Focus", "Problem Solving", "Adaptability", "Ownership")


def _core(level: int, **overrides: int) -> dict[str, int]:
    return {name: overrides.get(name.replace(" ", "_").lower(), level) for name in _CORE_NAMES}


STARTER_JOB_LEVELS: tuple[StarterJobLevel, ...] = (
    StarterJobLevel("IC1", Track.INDIVIDUAL_CONTRIBUTOR, 1, "Entry level: delivers well-defined tasks with guidance.",
                    {**_core(2), "Communication": 2}),
    StarterJobLevel("IC2", Track.INDIVIDUAL_CONTRIBUTOR, 2, "Delivers own work independently.",
                    {**_core(3, customer_focus=2), "Communication": 3, "Decision Making": 2}),
    StarterJobLevel("IC3", Track.INDIVIDUAL_CONTRIBUTOR, 3, "Senior: leads work across a team and helps others grow.",
                    {**_core(3, problem_solving=4, ownership=4), "Communication": 3, "Decision Making": 3,
                     "Developing Others": 2}),
    StarterJobLevel("IC4", Track.INDIVIDUAL_CONTRIBUTOR, 4, "Principal: shapes direction across teams without managing them.",
                    {**_core(4), "Communication": 4, "Decision Making": 4, "Strategic Thinking": 3,
                     "Developing Others": 3}),
    StarterJobLevel("M1", Track.MANAGER, 1, "Team manager: leads a team and develops its people.",
                    {**_core(3), "Communication": 3, "Coaching": 3, "Delegation": 3, "Decision Making": 3,
                     "Accountability": 3, "Developing Others": 3, "Strategic Thinking": 2, "Change Leadership": 2}),
    StarterJobLevel("M2", Track.MANAGER, 2, "Senior manager: leads managers and a function's direction.",
                    {**_core(4), "Communication": 4, "Coaching": 4, "Delegation": 4, "Decision Making": 4,
                     "Accountability": 4, "Developing Others": 4, "Strategic Thinking": 3, "Change Leadership": 3}),
    StarterJobLevel("M3", Track.MANAGER, 3, "Executive: leads the organisation or a large part of it.",
                    {**_core(4), "Communication": 5, "Coaching": 4, "Delegation": 5, "Decision Making": 5,
                     "Accountability": 5, "Developing Others": 4, "Strategic Thinking": 5, "Change Leadership": 5}),
)
