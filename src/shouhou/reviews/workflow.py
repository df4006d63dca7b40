"""中差评处理 (SPEC §6, seed 001): plain data, bound by plugin.py.

Logged (the review as the platform shows it) → analysed (why, what the buyer wants, their
attitude) → the buyer contacted (what was said and offered: a return or exchange, a free return, VIP,
a gift or free shipping next time) → the outcome (revised, kept, unreachable). Never pressure the
buyer: at most three contacts, a day apart; a week without an answer ends it as unreachable.
"""

from __future__ import annotations

from datetime import timedelta

from shouhou.engine.workflow import Action, State, TimerSpec, Workflow, roles, sources
from shouhou.reviews import schemas as s

STAFF = roles("agent", "supervisor")
MAX_CONTACTS = 3
CONTACT_GAP = timedelta(days=1)
NO_ANSWER = timedelta(days=7)

WORKFLOW = Workflow(
    type="review", zh="中差评", en="Negative review",
    states=(
        State("logged", "已登记", "Logged"),
        State("analysed", "已分析", "Analysed"),
        State("contacting", "联系中", "Contacting the buyer", waits_on="customer",
              timers=(TimerSpec("no_answer", "give_up", NO_ANSWER, "买家一周无回应，结案", "closes: no answer for a week"),)),
        State("closed", "已结案", "Closed", terminal=True),
    ),
    create=Action("log_review", "登记中差评", "Log a review", sources(), ("logged",),
                  STAFF | roles("integration", "system"), s.ReviewIn),
    actions=(
        Action("analyse", "分析原因", "Analyse", sources("logged"), ("analysed",), STAFF, s.AnalyseIn,
               effect="analyse"),
        Action("contact", "联系买家", "Contact the buyer", sources("analysed", "contacting"), ("contacting",), STAFF,
               s.ContactIn, guard="may_contact", effect="contact"),
        Action("record_outcome", "记录结果", "Record the outcome", sources("analysed", "contacting"), ("closed",),
               STAFF, s.OutcomeIn, effect="record_outcome"),
        Action("give_up", "无回应结案", "Close: no answer", sources("contacting"), ("closed",), roles("system"),
               effect="give_up"),
        Action("note", "内部备注", "Internal note", sources("logged", "analysed", "contacting"), (None,), STAFF,
               s.NoteIn, visibility="internal"),
    ),
)
