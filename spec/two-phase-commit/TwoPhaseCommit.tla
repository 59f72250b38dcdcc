--------------------------- MODULE TwoPhaseCommit ---------------------------
(***************************************************************************)
(* Two-phase commit as packages/two-phase-commit implements it: one       *)
(* coordinator, the participants of Participants, the transactions of Tx. *)
(*                                                                         *)
(* The network is a SET of messages (msgs):                                *)
(*   - receiving a message does not remove it, so any message may be      *)
(*     delivered any number of times (duplication) and in any order       *)
(*     (reordering);                                                       *)
(*   - Lose(m) removes a message (loss). A resend puts it back.            *)
(* PREPARE, COMMIT, ABORT and STATUS carry no addressee: one message       *)
(* stands for the copies sent to (or from) every participant; a copy lost *)
(* on one link is modelled by some participants receiving it before Lose. *)
(*                                                                         *)
(* Durable state survives a crash: every participant variable, cLog and   *)
(* cDone. Participants persist every change before they send, so a        *)
(* participant crash loses nothing but the messages sent to it while it   *)
(* is down, which Lose already covers: participant crashes need no action.*)
(* The coordinator's volatile state (cPhase, cVotes, cAcks) is reset by    *)
(* CCrash and rebuilt from its log by CRecover, which first turns every    *)
(* undecided ("begun") transaction into a durable abort.                   *)
(*                                                                         *)
(* Distinct-state counts are for the plain reachable-state graph: no      *)
(* SYMMETRY, no VIEW, no CONSTRAINT. A transcription must count the        *)
(* states reachable from Init by Next, where a step whose successor equals *)
(* its source (e.g. resending a message already in msgs) adds nothing.     *)
(***************************************************************************)
EXTENDS FiniteSets, TLC

CONSTANTS
  Participants,   \* the participant ids (model values or strings)
  Tx,             \* the transaction ids
  Votes,          \* the votes a participant may draw: {"yes","no"}, or one of them to shrink a model
  CanCrash,       \* TRUE: the coordinator may crash and recover
  CanLose         \* TRUE: the network may lose messages (FALSE keeps wide models small)

VARIABLES
  pState,  \* pState[p][t] \in PStates: participant p's durable state for t
  pVote,   \* pVote[p][t] \in {"none","yes","no"}: p's durable vote for t
  cUp,     \* TRUE while the coordinator runs
  cPhase,  \* cPhase[t] \in Phases: coordinator's volatile phase for t
  cVotes,  \* cVotes[t]: participants whose YES the coordinator holds (volatile; {} unless preparing)
  cAcks,   \* cAcks[t]: participants whose ACK the coordinator holds (volatile; {} unless committing/aborting)
  cLog,    \* cLog[t] \in {"none","begun","commit","abort"}: coordinator's durable record for t
  cDone,   \* cDone[t]: TRUE once the coordinator durably logged t as completed
  msgs     \* the set of messages in the network

vars == <<pState, pVote, cUp, cPhase, cVotes, cAcks, cLog, cDone, msgs>>

PStates == {"working", "prepared", "committed", "aborted"}
Phases == {"init", "preparing", "committing", "aborting", "completed"}
Decisions == {"commit", "abort"}

Messages ==
       [type : {"prepare", "commit", "abort", "status"}, tx : Tx]
  \cup [type : {"vote"}, tx : Tx, from : Participants, vote : {"yes", "no"}]
  \cup [type : {"ack"}, tx : Tx, from : Participants]

\* What a participant ends in when it learns decision d.
Outcome(d) == IF d = "commit" THEN "committed" ELSE "aborted"

TypeOK ==
  /\ pState \in [Participants -> [Tx -> PStates]]
  /\ pVote \in [Participants -> [Tx -> {"none", "yes", "no"}]]
  /\ cUp \in BOOLEAN
  /\ cPhase \in [Tx -> Phases]
  /\ cVotes \in [Tx -> SUBSET Participants]
  /\ cAcks \in [Tx -> SUBSET Participants]
  /\ cLog \in [Tx -> {"none", "begun", "commit", "abort"}]
  /\ cDone \in [Tx -> BOOLEAN]
  /\ msgs \subseteq Messages

Init ==
  /\ pState = [p \in Participants |-> [t \in Tx |-> "working"]]
  /\ pVote = [p \in Participants |-> [t \in Tx |-> "none"]]
  /\ cUp = TRUE
  /\ cPhase = [t \in Tx |-> "init"]
  /\ cVotes = [t \in Tx |-> {}]
  /\ cAcks = [t \in Tx |-> {}]
  /\ cLog = [t \in Tx |-> "none"]
  /\ cDone = [t \in Tx |-> FALSE]
  /\ msgs = {}

Send(m) == msgs' = msgs \cup {m}

----------------------------------------------------------------------------
(* Coordinator *)

\* A client asks for t: log "begun" (durable before PREPARE leaves), send PREPARE.
CBegin(t) ==
  /\ cUp /\ cPhase[t] = "init" /\ cLog[t] = "none"
  /\ cLog' = [cLog EXCEPT ![t] = "begun"]
  /\ cPhase' = [cPhase EXCEPT ![t] = "preparing"]
  /\ Send([type |-> "prepare", tx |-> t])
  /\ UNCHANGED <<pState, pVote, cUp, cVotes, cAcks, cDone>>

\* The resend timer while preparing.
CResendPrepare(t) ==
  /\ cUp /\ cPhase[t] = "preparing"
  /\ Send([type |-> "prepare", tx |-> t])
  /\ UNCHANGED <<pState, pVote, cUp, cPhase, cVotes, cAcks, cLog, cDone>>

\* Log decision d (durable before it is sent), leave "preparing", send it.
Decide(t, d) ==
  /\ cLog' = [cLog EXCEPT ![t] = d]
  /\ cPhase' = [cPhase EXCEPT ![t] = IF d = "commit" THEN "committing" ELSE "aborting"]
  /\ cVotes' = [cVotes EXCEPT ![t] = {}]
  /\ Send([type |-> d, tx |-> t])

\* A vote arrives while preparing: NO aborts; the last YES commits; another YES is counted.
CRecvVote(t, p, v) ==
  /\ cUp /\ cPhase[t] = "preparing"
  /\ [type |-> "vote", tx |-> t, from |-> p, vote |-> v] \in msgs
  /\ IF v = "no" THEN Decide(t, "abort")
     ELSE IF cVotes[t] \cup {p} = Participants THEN Decide(t, "commit")
     ELSE /\ cVotes' = [cVotes EXCEPT ![t] = @ \cup {p}]
          /\ UNCHANGED <<cPhase, cLog, msgs>>
  /\ UNCHANGED <<pState, pVote, cUp, cAcks, cDone>>

\* The vote timer fires: abort. Timing is not modelled, so it may fire at any point while preparing.
CTimeout(t) ==
  /\ cUp /\ cPhase[t] = "preparing"
  /\ Decide(t, "abort")
  /\ UNCHANGED <<pState, pVote, cUp, cAcks, cDone>>

\* The resend timer while the decision is unacknowledged.
CResendDecision(t) ==
  /\ cUp /\ cPhase[t] \in {"committing", "aborting"}
  /\ Send([type |-> cLog[t], tx |-> t])
  /\ UNCHANGED <<pState, pVote, cUp, cPhase, cVotes, cAcks, cLog, cDone>>

\* An ACK arrives; the last one completes t (logged durably).
CRecvAck(t, p) ==
  /\ cUp /\ cPhase[t] \in {"committing", "aborting"}
  /\ [type |-> "ack", tx |-> t, from |-> p] \in msgs
  /\ p \notin cAcks[t]
  /\ IF cAcks[t] \cup {p} = Participants
       THEN /\ cPhase' = [cPhase EXCEPT ![t] = "completed"]
            /\ cAcks' = [cAcks EXCEPT ![t] = {}]
            /\ cDone' = [cDone EXCEPT ![t] = TRUE]
       ELSE /\ cAcks' = [cAcks EXCEPT ![t] = @ \cup {p}]
            /\ UNCHANGED <<cPhase, cDone>>
  /\ UNCHANGED <<pState, pVote, cUp, cVotes, cLog, msgs>>

\* A STATUS query is answered only from a durable decision; otherwise it goes unanswered.
CRecvStatus(t) ==
  /\ cUp
  /\ [type |-> "status", tx |-> t] \in msgs
  /\ cLog[t] \in Decisions
  /\ Send([type |-> cLog[t], tx |-> t])
  /\ UNCHANGED <<pState, pVote, cUp, cPhase, cVotes, cAcks, cLog, cDone>>

\* Crash: the volatile state is lost.
CCrash ==
  /\ CanCrash /\ cUp
  /\ cUp' = FALSE
  /\ cPhase' = [t \in Tx |-> "init"]
  /\ cVotes' = [t \in Tx |-> {}]
  /\ cAcks' = [t \in Tx |-> {}]
  /\ UNCHANGED <<pState, pVote, cLog, cDone, msgs>>

\* Restart from the log: an undecided ("begun") t is durably aborted before anything is sent.
CRecover ==
  /\ ~cUp
  /\ cUp' = TRUE
  /\ cLog' = [t \in Tx |-> IF cLog[t] = "begun" THEN "abort" ELSE cLog[t]]
  /\ cPhase' = [t \in Tx |->
                  IF cDone[t] THEN "completed"
                  ELSE IF cLog'[t] = "commit" THEN "committing"
                  ELSE IF cLog'[t] = "abort" THEN "aborting"
                  ELSE "init"]
  /\ UNCHANGED <<pState, pVote, cVotes, cAcks, cDone, msgs>>

----------------------------------------------------------------------------
(* Participants *)

\* First PREPARE: draw the vote, persist it, send it. YES waits prepared; NO aborts at once.
PRecvPrepare(p, t) ==
  /\ [type |-> "prepare", tx |-> t] \in msgs
  /\ pState[p][t] = "working"
  /\ \E v \in Votes :
       /\ pVote' = [pVote EXCEPT ![p][t] = v]
       /\ pState' = [pState EXCEPT ![p][t] = IF v = "yes" THEN "prepared" ELSE "aborted"]
       /\ Send([type |-> "vote", tx |-> t, from |-> p, vote |-> v])
  /\ UNCHANGED <<cUp, cPhase, cVotes, cAcks, cLog, cDone>>

\* A re-delivered PREPARE gets the same (persisted) vote.
PResendVote(p, t) ==
  /\ [type |-> "prepare", tx |-> t] \in msgs
  /\ pVote[p][t] # "none"
  /\ Send([type |-> "vote", tx |-> t, from |-> p, vote |-> pVote[p][t]])
  /\ UNCHANGED <<pState, pVote, cUp, cPhase, cVotes, cAcks, cLog, cDone>>

\* COMMIT/ABORT: a prepared (or, for ABORT, working) participant adopts it; every receipt is ACKed.
\* A participant that already has an outcome keeps it (idempotent). COMMIT to a working one is ignored.
PRecvDecision(p, t, d) ==
  /\ [type |-> d, tx |-> t] \in msgs
  /\ d = "commit" => pState[p][t] # "working"
  /\ pState' = [pState EXCEPT ![p][t] = IF @ \in {"working", "prepared"} THEN Outcome(d) ELSE @]
  /\ Send([type |-> "ack", tx |-> t, from |-> p])
  /\ UNCHANGED <<pVote, cUp, cPhase, cVotes, cAcks, cLog, cDone>>

\* The status timer of a prepared (uncertain) participant.
PAskStatus(p, t) ==
  /\ pState[p][t] = "prepared"
  /\ Send([type |-> "status", tx |-> t])
  /\ UNCHANGED <<pState, pVote, cUp, cPhase, cVotes, cAcks, cLog, cDone>>

----------------------------------------------------------------------------
(* Network *)

Lose(m) ==
  /\ CanLose
  /\ msgs' = msgs \ {m}
  /\ UNCHANGED <<pState, pVote, cUp, cPhase, cVotes, cAcks, cLog, cDone>>

Next ==
  \/ \E t \in Tx :
       \/ CBegin(t) \/ CResendPrepare(t) \/ CTimeout(t) \/ CResendDecision(t) \/ CRecvStatus(t)
       \/ \E p \in Participants :
            \/ \E v \in {"yes", "no"} : CRecvVote(t, p, v)
            \/ CRecvAck(t, p)
            \/ PRecvPrepare(p, t) \/ PResendVote(p, t) \/ PAskStatus(p, t)
            \/ \E d \in Decisions : PRecvDecision(p, t, d)
  \/ CCrash \/ CRecover
  \/ \E m \in msgs : Lose(m)

(* Loss, crashes and timeouts are unfair: they may happen or not. Deliveries are strongly fair, *)
(* so a message that keeps being resent is eventually received; resends and recovery are weakly fair. *)
Fairness ==
  /\ WF_vars(CRecover)
  /\ \A t \in Tx :
       /\ WF_vars(CBegin(t)) /\ WF_vars(CResendPrepare(t)) /\ WF_vars(CResendDecision(t))
       /\ \A p \in Participants :
            /\ \A v \in {"yes", "no"} : SF_vars(CRecvVote(t, p, v))
            /\ SF_vars(CRecvAck(t, p))
            /\ SF_vars(PRecvPrepare(p, t)) /\ SF_vars(PResendVote(p, t))
            /\ \A d \in Decisions : SF_vars(PRecvDecision(p, t, d))

Spec == Init /\ [][Next]_vars
FairSpec == Spec /\ Fairness

----------------------------------------------------------------------------
(* Safety *)

\* No participant commits while another aborts.
Consistent ==
  \A t \in Tx : \A p, q \in Participants :
    ~(pState[p][t] = "committed" /\ pState[q][t] = "aborted")

\* Every participant's outcome matches the coordinator's durable decision
\* (a NO voter aborts before the coordinator decides, so "aborted" only excludes "commit").
OutcomeMatchesDecision ==
  \A t \in Tx : \A p \in Participants :
    /\ pState[p][t] = "committed" => cLog[t] = "commit"
    /\ pState[p][t] = "aborted" => cLog[t] # "commit"

\* The coordinator commits only if every participant voted YES.
CommitRequiresUnanimity ==
  \A t \in Tx : cLog[t] = "commit" => \A p \in Participants : pVote[p][t] = "yes"

\* A decision never changes (an action property, checked as a PROPERTY).
DecisionNeverChanges ==
  [][\A t \in Tx : cLog[t] \in Decisions => cLog'[t] = cLog[t]]_vars

----------------------------------------------------------------------------
(* Liveness *)

\* Every transaction is completed and every participant knows its outcome.
AllDone ==
  \A t \in Tx : cDone[t] /\ \A p \in Participants : pState[p][t] \in {"committed", "aborted"}

\* 2PC blocks while the coordinator is down: termination is promised only to behaviours in which
\* the coordinator eventually stays up.
Termination == (<>[]cUp) => <>AllDone
=============================================================================
