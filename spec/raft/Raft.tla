-------------------------------- MODULE Raft --------------------------------
(***************************************************************************)
(* Faultline's model of the safety core of Raft (leader election and log  *)
(* replication, no membership changes, no snapshots).                     *)
(*                                                                         *)
(* What is modelled:                                                       *)
(*  - servers with a role, a term, a vote and a log;                       *)
(*  - RequestVote and AppendEntries requests and responses, carried by a   *)
(*    network that is a SET of in-flight messages.  The network may lose  *)
(*    a message (Drop), deliver it once (Deliver, which removes it) or     *)
(*    deliver it and keep it for a later second delivery (DeliverCopy),    *)
(*    in any order;                                                        *)
(*  - Restart: a server loses its volatile state (role, votes, nextIndex,  *)
(*    matchIndex, commitIndex) and keeps its persistent state (currentTerm, *)
(*    votedFor, log), as if it had fsynced those before every reply;      *)
(*  - the commit rule: a leader only advances commitIndex to an index     *)
(*    whose entry carries the leader's current term and is stored on a    *)
(*    quorum.  With BuggyCommit = TRUE the term check is skipped, which is *)
(*    the bug of Figure 8 of the Raft paper.                               *)
(*                                                                         *)
(* Terms start at 0.  The model is unbounded; a TLC config bounds it with  *)
(* StateConstraint (terms, log length, in-flight messages).               *)
(*                                                                         *)
(* Two history variables, never read by protocol actions, record who won *)
(* each election and which entries leaders committed, so that the safety  *)
(* properties speak about the whole past and not only the current state. *)
(***************************************************************************)
EXTENDS Naturals, Sequences, FiniteSets

CONSTANTS
    Server,       \* the servers (model values)
    Value,        \* the values clients ask leaders to append
    Nil,          \* "voted for nobody" (a model value)
    MaxTerm,      \* bound on currentTerm, used by StateConstraint only
    MaxLogLen,    \* bound on the length of every log, StateConstraint only
    MaxMsgs,      \* bound on the number of in-flight messages, StateConstraint only
    BuggyCommit   \* TRUE: leaders commit by counting replicas, whatever the term

ASSUME /\ BuggyCommit \in BOOLEAN
       /\ Nil \notin Server
       /\ MaxTerm \in Nat /\ MaxLogLen \in Nat /\ MaxMsgs \in Nat

\* Persistent state: survives Restart.
VARIABLES currentTerm, votedFor, log
\* Volatile state: reset by Restart.
VARIABLES role, votes, nextIndex, matchIndex, commitIndex
\* The network: the set of messages in flight.
VARIABLE net
\* History: elected = set of [term, server] of every election won;
\*          committed = set of [index, entry, term] where a leader of term
\*          `term` advanced its commitIndex over `entry` at `index` (first
\*          time that (index, entry) was committed only).
VARIABLES elected, committed

persistent == <<currentTerm, votedFor, log>>
volatile   == <<role, votes, nextIndex, matchIndex, commitIndex>>
history    == <<elected, committed>>
vars       == <<persistent, volatile, net, history>>

-----------------------------------------------------------------------------
(* Helpers *)

Min(a, b) == IF a <= b THEN a ELSE b
Max(a, b) == IF a >= b THEN a ELSE b
MaxOf(S)  == CHOOSE x \in S : \A y \in S : y <= x

Quorum == {Q \in SUBSET Server : 2 * Cardinality(Q) > Cardinality(Server)}

LastTerm(l) == IF Len(l) = 0 THEN 0 ELSE l[Len(l)].term

IsPrefix(p, l) == Len(p) <= Len(l) /\ SubSeq(l, 1, Len(p)) = p

\* Message constructors.  Every message names its sender and its receiver.
RVReq(from, to, term, lastTerm, lastIndex) ==
    [type |-> "RVReq", term |-> term, lastLogTerm |-> lastTerm,
     lastLogIndex |-> lastIndex, from |-> from, to |-> to]
RVResp(from, to, term, granted) ==
    [type |-> "RVResp", term |-> term, granted |-> granted, from |-> from, to |-> to]
AEReq(from, to, term, prevIndex, prevTerm, entries, commit) ==
    [type |-> "AEReq", term |-> term, prevIndex |-> prevIndex,
     prevTerm |-> prevTerm, entries |-> entries, commit |-> commit,
     from |-> from, to |-> to]
AEResp(from, to, term, success, match) ==
    [type |-> "AEResp", term |-> term, success |-> success, match |-> match,
     from |-> from, to |-> to]

\* Values of the candidate/leader bookkeeping when a server holds neither
\* role.  Resetting them keeps the state space canonical.
NoIndexes == [t \in Server |-> 1]
NoMatches == [t \in Server |-> 0]

\* s becomes (or stays) a follower and drops candidate/leader bookkeeping.
BecomeFollower(s) ==
    /\ role'       = [role       EXCEPT ![s] = "follower"]
    /\ votes'      = [votes      EXCEPT ![s] = {}]
    /\ nextIndex'  = [nextIndex  EXCEPT ![s] = NoIndexes]
    /\ matchIndex' = [matchIndex EXCEPT ![s] = NoMatches]

-----------------------------------------------------------------------------
Init ==
    /\ currentTerm = [s \in Server |-> 0]
    /\ votedFor    = [s \in Server |-> Nil]
    /\ log         = [s \in Server |-> <<>>]
    /\ role        = [s \in Server |-> "follower"]
    /\ votes       = [s \in Server |-> {}]
    /\ nextIndex   = [s \in Server |-> NoIndexes]
    /\ matchIndex  = [s \in Server |-> NoMatches]
    /\ commitIndex = [s \in Server |-> 0]
    /\ net         = {}
    /\ elected     = {}
    /\ committed   = {}

-----------------------------------------------------------------------------
(* Local actions of a server *)

\* Crash and come back: volatile state is lost, persistent state is kept.
\* Messages in flight are not affected (the network is independent).
Restart(s) ==
    /\ BecomeFollower(s)
    /\ commitIndex' = [commitIndex EXCEPT ![s] = 0]
    /\ UNCHANGED <<persistent, net, history>>

\* Election timeout: start an election in the next term, voting for itself.
Timeout(s) ==
    /\ role[s] \in {"follower", "candidate"}
    /\ currentTerm' = [currentTerm EXCEPT ![s] = @ + 1]
    /\ votedFor'    = [votedFor    EXCEPT ![s] = s]
    /\ role'        = [role        EXCEPT ![s] = "candidate"]
    /\ votes'       = [votes       EXCEPT ![s] = {s}]
    /\ UNCHANGED <<log, nextIndex, matchIndex, commitIndex, net, history>>

\* A candidate holding votes from a quorum becomes leader of its term.
BecomeLeader(s) ==
    /\ role[s] = "candidate"
    /\ votes[s] \in Quorum
    /\ role'       = [role       EXCEPT ![s] = "leader"]
    /\ votes'      = [votes      EXCEPT ![s] = {}]
    /\ nextIndex'  = [nextIndex  EXCEPT ![s] = [t \in Server |-> Len(log[s]) + 1]]
    /\ matchIndex' = [matchIndex EXCEPT ![s] = NoMatches]
    /\ elected'    = elected \cup {[term |-> currentTerm[s], server |-> s]}
    /\ UNCHANGED <<persistent, commitIndex, net, committed>>

\* A leader appends a client value to its own log.
ClientRequest(s, v) ==
    /\ role[s] = "leader"
    /\ log' = [log EXCEPT ![s] = Append(@, [term |-> currentTerm[s], value |-> v])]
    /\ UNCHANGED <<currentTerm, votedFor, volatile, net, history>>

\* A leader advances its commitIndex to the highest index stored on a quorum
\* (counting itself), provided that entry is from its current term -- unless
\* BuggyCommit, in which case counting replicas is deemed enough.
AdvanceCommitIndex(s) ==
    /\ role[s] = "leader"
    /\ LET agree(i)   == {s} \cup {t \in Server : matchIndex[s][t] >= i}
           onQuorum   == {i \in 1..Len(log[s]) : agree(i) \in Quorum}
           top        == IF onQuorum = {} THEN 0 ELSE MaxOf(onQuorum)
           new        == {i \in commitIndex[s]+1..top :
                            ~\E c \in committed : c.index = i /\ c.entry = log[s][i]}
       IN  /\ top > commitIndex[s]
           /\ BuggyCommit \/ log[s][top].term = currentTerm[s]
           /\ commitIndex' = [commitIndex EXCEPT ![s] = top]
           /\ committed' = committed \cup
                 {[index |-> i, entry |-> log[s][i], term |-> currentTerm[s]] : i \in new}
    /\ UNCHANGED <<persistent, role, votes, nextIndex, matchIndex, net, elected>>

-----------------------------------------------------------------------------
(* Sending requests.  A send may be repeated (a retransmission); sending a *)
(* message that is already in flight changes nothing.                     *)

\* A candidate asks t for its vote.
RequestVote(s, t) ==
    /\ role[s] = "candidate"
    /\ t /= s
    /\ t \notin votes[s]
    /\ net' = net \cup {RVReq(s, t, currentTerm[s], LastTerm(log[s]), Len(log[s]))}
    /\ UNCHANGED <<persistent, volatile, history>>

\* A leader sends t the entry at nextIndex[s][t] (or none, a heartbeat, if t
\* is up to date), with the index and term of the entry before it and the
\* leader's commitIndex capped at what this message lets t verify.
AppendEntries(s, t) ==
    /\ role[s] = "leader"
    /\ t /= s
    /\ LET next     == nextIndex[s][t]
           prev     == next - 1
           prevTerm == IF prev > 0 THEN log[s][prev].term ELSE 0
           last     == Min(Len(log[s]), next)
           entries  == SubSeq(log[s], next, last)
       IN  net' = net \cup {AEReq(s, t, currentTerm[s], prev, prevTerm, entries,
                                   Min(commitIndex[s], last))}
    /\ UNCHANGED <<persistent, volatile, history>>

-----------------------------------------------------------------------------
(* Receiving.  Each handler gets the message m (m.to is the receiver) and *)
(* `rest`, the network after delivery: net \ {m} for a plain delivery, net *)
(* itself when the network keeps a copy to deliver again.  Any message    *)
(* from a higher term first makes the receiver adopt that term, forget its *)
(* vote and become a follower; the handlers fold that into the same step. *)

HandleRVReq(m, rest) ==
    LET s        == m.to
        newer    == m.term > currentTerm[s]
        term     == Max(currentTerm[s], m.term)
        voted    == IF newer THEN Nil ELSE votedFor[s]
        logOk    == \/ m.lastLogTerm > LastTerm(log[s])
                    \/ /\ m.lastLogTerm = LastTerm(log[s])
                       /\ m.lastLogIndex >= Len(log[s])
        grant    == /\ m.term = term
                    /\ logOk
                    /\ voted \in {Nil, m.from}
    IN  /\ currentTerm' = [currentTerm EXCEPT ![s] = term]
        /\ votedFor'    = [votedFor    EXCEPT ![s] = IF grant THEN m.from ELSE voted]
        /\ IF newer THEN BecomeFollower(s)
                    ELSE UNCHANGED <<role, votes, nextIndex, matchIndex>>
        /\ net' = rest \cup {RVResp(s, m.from, term, grant)}
        /\ UNCHANGED <<log, commitIndex, history>>

HandleRVResp(m, rest) ==
    LET s == m.to IN
    \/ /\ m.term > currentTerm[s]
       /\ currentTerm' = [currentTerm EXCEPT ![s] = m.term]
       /\ votedFor'    = [votedFor    EXCEPT ![s] = Nil]
       /\ BecomeFollower(s)
       /\ net' = rest
       /\ UNCHANGED <<log, commitIndex, history>>
    \/ /\ m.term <= currentTerm[s]
       /\ votes' = IF /\ m.term = currentTerm[s]
                      /\ role[s] = "candidate"
                      /\ m.granted
                   THEN [votes EXCEPT ![s] = @ \cup {m.from}]
                   ELSE votes
       /\ net' = rest
       /\ UNCHANGED <<persistent, role, nextIndex, matchIndex, commitIndex, history>>

HandleAEReq(m, rest) ==
    LET s == m.to IN
    \/ \* From a stale leader: refuse and tell it the current term.
       /\ m.term < currentTerm[s]
       /\ net' = rest \cup {AEResp(s, m.from, currentTerm[s], FALSE, 0)}
       /\ UNCHANGED <<persistent, volatile, history>>
    \/ /\ m.term >= currentTerm[s]
       /\ LET logOk   == \/ m.prevIndex = 0
                         \/ /\ m.prevIndex <= Len(log[s])
                            /\ log[s][m.prevIndex].term = m.prevTerm
              idx     == m.prevIndex + 1
              lastNew == m.prevIndex + Len(m.entries)
              newLog  ==
                  IF ~logOk \/ Len(m.entries) = 0 THEN log[s]
                  ELSE IF Len(log[s]) >= idx /\ log[s][idx].term = m.entries[1].term
                       THEN log[s]   \* already there: keep what follows, too
                       ELSE Append(SubSeq(log[s], 1, m.prevIndex), m.entries[1])
          IN  /\ currentTerm' = [currentTerm EXCEPT ![s] = m.term]
              /\ votedFor' = IF m.term > currentTerm[s]
                             THEN [votedFor EXCEPT ![s] = Nil] ELSE votedFor
              \* There is a leader for this term: a candidate gives up.
              /\ BecomeFollower(s)
              /\ log' = [log EXCEPT ![s] = newLog]
              /\ commitIndex' = [commitIndex EXCEPT ![s] =
                                   IF logOk THEN Max(@, Min(m.commit, lastNew)) ELSE @]
              /\ net' = rest \cup {AEResp(s, m.from, m.term, logOk,
                                          IF logOk THEN lastNew ELSE 0)}
              /\ UNCHANGED history

HandleAEResp(m, rest) ==
    LET s == m.to
        t == m.from IN
    \/ /\ m.term > currentTerm[s]
       /\ currentTerm' = [currentTerm EXCEPT ![s] = m.term]
       /\ votedFor'    = [votedFor    EXCEPT ![s] = Nil]
       /\ BecomeFollower(s)
       /\ net' = rest
       /\ UNCHANGED <<log, commitIndex, history>>
    \/ /\ m.term = currentTerm[s]
       /\ role[s] = "leader"
       /\ IF m.success
          THEN /\ nextIndex'  = [nextIndex  EXCEPT ![s][t] = m.match + 1]
               /\ matchIndex' = [matchIndex EXCEPT ![s][t] = Max(@, m.match)]
          ELSE /\ nextIndex'  = [nextIndex  EXCEPT ![s][t] = Max(@ - 1, 1)]
               /\ UNCHANGED matchIndex
       /\ net' = rest
       /\ UNCHANGED <<persistent, role, votes, commitIndex, history>>
    \/ \* Stale, or no longer leader: ignore.
       /\ \/ m.term < currentTerm[s]
          \/ m.term = currentTerm[s] /\ role[s] /= "leader"
       /\ net' = rest
       /\ UNCHANGED <<persistent, volatile, history>>

Handle(m, rest) ==
    CASE m.type = "RVReq"  -> HandleRVReq(m, rest)
      [] m.type = "RVResp" -> HandleRVResp(m, rest)
      [] m.type = "AEReq"  -> HandleAEReq(m, rest)
      [] m.type = "AEResp" -> HandleAEResp(m, rest)

(* The network *)
Deliver(m)     == Handle(m, net \ {m})
DeliverCopy(m) == Handle(m, net)          \* duplication: m stays in flight
Drop(m)        == /\ net' = net \ {m}     \* loss
                  /\ UNCHANGED <<persistent, volatile, history>>

-----------------------------------------------------------------------------
Next ==
    \/ \E s \in Server :
          \/ Restart(s)
          \/ Timeout(s)
          \/ BecomeLeader(s)
          \/ AdvanceCommitIndex(s)
          \/ \E v \in Value : ClientRequest(s, v)
    \/ \E s, t \in Server : RequestVote(s, t) \/ AppendEntries(s, t)
    \/ \E m \in net : Deliver(m) \/ DeliverCopy(m) \/ Drop(m)

Spec == Init /\ [][Next]_vars

\* Bounds for model checking (used as CONSTRAINT in the .cfg files).
StateConstraint ==
    /\ \A s \in Server : currentTerm[s] <= MaxTerm /\ Len(log[s]) <= MaxLogLen
    /\ Cardinality(net) <= MaxMsgs

-----------------------------------------------------------------------------
(* Type invariant *)

Entry == [term : Nat, value : Value]

TypeOK ==
    /\ currentTerm \in [Server -> Nat]
    /\ votedFor    \in [Server -> Server \cup {Nil}]
    /\ \A s \in Server : log[s] \in Seq(Entry)
    /\ role        \in [Server -> {"follower", "candidate", "leader"}]
    /\ votes       \in [Server -> SUBSET Server]
    /\ nextIndex   \in [Server -> [Server -> Nat \ {0}]]
    /\ matchIndex  \in [Server -> [Server -> Nat]]
    /\ commitIndex \in [Server -> Nat]
    /\ \A m \in net : m.type \in {"RVReq", "RVResp", "AEReq", "AEResp"}
                      /\ m.from \in Server /\ m.to \in Server /\ m.from /= m.to

-----------------------------------------------------------------------------
(* Safety properties (Figure 3 of the Raft paper) *)

\* At most one leader per term: both right now and over the whole history.
ElectionSafety ==
    /\ \A s, t \in Server :
          (/\ role[s] = "leader" /\ role[t] = "leader"
           /\ currentTerm[s] = currentTerm[t]) => s = t
    /\ \A e, f \in elected : e.term = f.term => e.server = f.server

\* Two logs with an entry of the same index and term agree up to that index.
LogMatching ==
    \A s, t \in Server :
       \A i \in 1..Min(Len(log[s]), Len(log[t])) :
          log[s][i].term = log[t][i].term =>
             SubSeq(log[s], 1, i) = SubSeq(log[t], 1, i)

\* An entry committed in term T is in the log of every leader of a term
\* >= T (for T itself that is the committing leader, see LeaderAppendOnly).
LeaderCompleteness ==
    \A c \in committed, s \in Server :
       (role[s] = "leader" /\ currentTerm[s] >= c.term) =>
          /\ c.index <= Len(log[s])
          /\ log[s][c.index] = c.entry

\* No two servers ever apply different entries at the same index:
\*  - commitIndex never points past the end of the log;
\*  - the committed prefixes of any two servers agree;
\*  - no index was ever committed with two different entries;
\*  - every server's committed prefix agrees with the commit history.
StateMachineSafety ==
    /\ \A s \in Server : commitIndex[s] <= Len(log[s])
    /\ \A s, t \in Server :
          \A i \in 1..Min(commitIndex[s], commitIndex[t]) : log[s][i] = log[t][i]
    /\ \A c, d \in committed : c.index = d.index => c.entry = d.entry
    /\ \A c \in committed, s \in Server :
          c.index <= commitIndex[s] => log[s][c.index] = c.entry

\* No message carries a term above its sender's current term: currentTerm is
\* persistent (Figure 2), so a Restart cannot take back a term others have seen.
SenderKeepsTerm == \A m \in net : m.term <= currentTerm[m.from]

\* Action property: while a server stays leader, its log only grows.
LeaderAppendOnly ==
    [][\A s \in Server :
          (role[s] = "leader" /\ role'[s] = "leader") => IsPrefix(log[s], log'[s])]_vars

\* Action property: commitIndex never goes down, except that Restart loses it
\* (it is volatile; the server relearns it from the leader).
CommitIndexMonotonic ==
    [][\A s \in Server : commitIndex'[s] >= commitIndex[s] \/ Restart(s)]_vars

\* The commit history only grows (true by construction; checked anyway).
CommittedMonotonic == [][committed \subseteq committed']_vars
=============================================================================
