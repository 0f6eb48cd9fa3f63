"""Every audit tag, in one place: `<object>:<what happened>`, read by people and by tests."""

from __future__ import annotations

# Members and the organisation
UNITS_IMPORTED = "units:imported"
MEMBERS_IMPORTED = "members:imported"
OBJECT_CREATED = "admin:created"
OBJECT_CHANGED = "admin:changed"
OBJECT_DELETED = "admin:deleted"

# Elections and contests
ELECTION_CREATED = "election:created"
ELECTION_TIMETABLE_CHANGED = "election:timetable:changed"
ELECTION_CHANGED = "election:changed"
CONTEST_CREATED = "contest:created"
CONTEST_CHANGED = "contest:changed"

# Candidacies
CANDIDACY_DECLARED = "candidacy:declared"
CANDIDACY_UPDATED = "candidacy:updated"
CANDIDACY_WITHDRAWN = "candidacy:withdrawn"
CANDIDACY_STAFF_EDITED = "candidacy:staff:edited"
CANDIDACY_REMOVED = "candidacy:removed"

# Slates
SLATE_CREATED = "slate:created"
SLATE_CHANGED = "slate:changed"
SLATE_CANDIDATE_INVITED = "slate:candidate:invited"
SLATE_MEMBERSHIP_CONFIRMED = "slate:membership:confirmed"
SLATE_MEMBERSHIP_ENDED = "slate:membership:ended"

# Nominations
UNIT_NOMINATIONS_RECORDED = "nominations:unit:recorded"
AFFILIATE_CREATED = "affiliate:created"
AFFILIATE_NOMINATION_RECORDED = "nominations:affiliate:recorded"
AFFILIATE_NOMINATION_WITHDRAWN = "nominations:affiliate:withdrawn"
NOMINATION_ACCEPTED = "nomination:accepted"
NOMINATION_DECLINED = "nomination:declined"
NOMINATIONS_IMPORTED = "nominations:imported"
NOMINATIONS_CLOSED = "nominations:closed"
BALLOT_CONFIRMED = "ballot:confirmed"

# The ballot: credentials, reissues, reminders and postal returns (never a code or a choice)
BALLOT_CREDENTIALS_ISSUED = "ballot:credentials:issued"
BALLOT_CREDENTIAL_REISSUED = "ballot:credential:reissued"
BALLOT_REMINDERS_SENT = "ballot:reminders:sent"
BALLOT_POSTAL_IMPORTED = "ballot:postal:imported"

# Results: counts, publication, recounts and casual vacancies (never a ballot)
RESULTS_COUNT_STARTED = "results:count:started"
RESULTS_COUNT_FINISHED = "results:count:finished"
RESULTS_COUNT_FAILED = "results:count:failed"
RESULTS_RECOUNT_COMPARED = "results:recount:compared"
RESULTS_PUBLISHED = "results:published"
RESULTS_AMENDMENT_PUBLISHED = "results:amendment:published"
RESULTS_VACANCY_RECORDED = "results:vacancy:recorded"

# Campaign: moderation, questionnaires, candidates' updates and representatives' report-backs
CAMPAIGN_QUOTE_APPROVED = "campaign:quote:approved"
CAMPAIGN_QUOTE_REJECTED = "campaign:quote:rejected"
CAMPAIGN_QUESTION_HIDDEN = "campaign:question:hidden"
CAMPAIGN_QUESTIONNAIRE_REGISTERED = "campaign:questionnaire:registered"
CAMPAIGN_UPDATE_POSTED = "campaign:update:posted"
CAMPAIGN_REPORT_BACK_PUBLISHED = "campaign:report-back:published"

# The log itself
AUDIT_EXPORTED = "audit:exported"

# The demonstration data
DEMO_CREATED = "demo:created"
UNIT_SECRETARY_APPOINTED = "unit:secretary:appointed"
