-- A refcheck history written by the refcheck of commit(s) 83efc0c, 83efc0c (one run each),
-- made by tests/history_files/make.py; what that refcheck read from it:
-- read: {"runs": [[1, "2025-06-02", "wales-referral", "1", 10], [2, "2025-06-03", "wales-referral", "1", 10]], "changes": [[], [["Alpha", "gender.valid", 2, 1]]], "trend": [[["assessments_authorised", "", 1.0], ["assessments_authorised", "Alpha", 1.0], ["assessments_timely", "", 1.0], ["assessments_timely", "Alpha", 1.0], ["completeness", "", 1.0], ["completeness", "Alpha", 1.0], ["decisions_overdue", "", 0.0], ["decisions_overdue", "Alpha", 0.0], ["decisions_timely", "", 1.0], ["decisions_timely", "Alpha", 1.0], ["icpcs_timely", "", null], ["icpcs_timely", "Alpha", null], ["re_referrals", "", 0.0], ["re_referrals", "Alpha", 0.0], ["reasons_sufficient", "", 1.0], ["reasons_sufficient", "Alpha", 1.0], ["records_checked", "", 10.0], ["records_checked", "Alpha", 10.0]], [["assessments_authorised", "", 1.0], ["assessments_authorised", "Alpha", 1.0], ["assessments_timely", "", 1.0], ["assessments_timely", "Alpha", 1.0], ["completeness", "", 1.0], ["completeness", "Alpha", 1.0], ["decisions_overdue", "", 0.0], ["decisions_overdue", "Alpha", 0.0], ["decisions_timely", "", 1.0], ["decisions_timely", "Alpha", 1.0], ["icpcs_timely", "", null], ["icpcs_timely", "Alpha", null], ["re_referrals", "", 0.0], ["re_referrals", "Alpha", 0.0], ["reasons_sufficient", "", 1.0], ["reasons_sufficient", "Alpha", 1.0], ["records_checked", "", 10.0], ["records_checked", "Alpha", 10.0]]]}
BEGIN TRANSACTION;
CREATE TABLE counts (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    rule_id TEXT NOT NULL, team TEXT NOT NULL, checked INTEGER NOT NULL, failed INTEGER NOT NULL,
    PRIMARY KEY (run_id, rule_id, team)
);
INSERT INTO "counts" VALUES(1,'referral_id.required','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'referral_id.unique','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'child_id.required','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'nhs_number.valid','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'date_of_birth.type','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'date_of_birth.required','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'date_of_birth.not_after_referral','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'date_of_birth.under_18','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'expected_date_of_birth.type','Alpha',0,0);
INSERT INTO "counts" VALUES(1,'gender.required','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'gender.valid','Alpha',10,3);
INSERT INTO "counts" VALUES(1,'ethnicity.required','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'ethnicity.valid','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'postcode.required','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'postcode.valid','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'referral_received.type','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'referral_received.required','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'referral_received.not_future','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'referral_source.required','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'referral_source.valid','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'primary_need.required','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'primary_need.valid','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'referral_reason.required','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'referral_reason.sufficient','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'team.required','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'worker_id.required','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'decision_date.type','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'decision_date.required_when_due','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'decision_date.timely','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'decision_date.not_before_referral','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'decision_outcome.valid','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'assessment_start.type','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'assessment_completed.type','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'assessment_completed.timely','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'assessment_completed.not_before_start','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'assessment_authorised.type','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'assessment_authorised.required','Alpha',10,0);
INSERT INTO "counts" VALUES(1,'strategy_discussion.type','Alpha',0,0);
INSERT INTO "counts" VALUES(1,'icpc_date.type','Alpha',0,0);
INSERT INTO "counts" VALUES(1,'icpc_date.timely','Alpha',0,0);
INSERT INTO "counts" VALUES(1,'closure_date.type','Alpha',0,0);
INSERT INTO "counts" VALUES(1,'closure_reason.valid','Alpha',0,0);
INSERT INTO "counts" VALUES(1,'closure_reason.required','Alpha',0,0);
INSERT INTO "counts" VALUES(2,'referral_id.required','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'referral_id.unique','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'child_id.required','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'nhs_number.valid','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'date_of_birth.type','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'date_of_birth.required','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'date_of_birth.not_after_referral','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'date_of_birth.under_18','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'expected_date_of_birth.type','Alpha',0,0);
INSERT INTO "counts" VALUES(2,'gender.required','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'gender.valid','Alpha',10,4);
INSERT INTO "counts" VALUES(2,'ethnicity.required','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'ethnicity.valid','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'postcode.required','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'postcode.valid','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'referral_received.type','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'referral_received.required','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'referral_received.not_future','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'referral_source.required','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'referral_source.valid','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'primary_need.required','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'primary_need.valid','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'referral_reason.required','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'referral_reason.sufficient','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'team.required','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'worker_id.required','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'decision_date.type','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'decision_date.required_when_due','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'decision_date.timely','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'decision_date.not_before_referral','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'decision_outcome.valid','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'assessment_start.type','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'assessment_completed.type','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'assessment_completed.timely','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'assessment_completed.not_before_start','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'assessment_authorised.type','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'assessment_authorised.required','Alpha',10,0);
INSERT INTO "counts" VALUES(2,'strategy_discussion.type','Alpha',0,0);
INSERT INTO "counts" VALUES(2,'icpc_date.type','Alpha',0,0);
INSERT INTO "counts" VALUES(2,'icpc_date.timely','Alpha',0,0);
INSERT INTO "counts" VALUES(2,'closure_date.type','Alpha',0,0);
INSERT INTO "counts" VALUES(2,'closure_reason.valid','Alpha',0,0);
INSERT INTO "counts" VALUES(2,'closure_reason.required','Alpha',0,0);
CREATE TABLE failures (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    rule_id TEXT NOT NULL, team TEXT NOT NULL, record BLOB NOT NULL
);
INSERT INTO "failures" VALUES(1,'gender.valid','Alpha',X'0203F4FBBB56BB28979E29AF');
INSERT INTO "failures" VALUES(1,'gender.valid','Alpha',X'3B846BEA72752ECDA860962B');
INSERT INTO "failures" VALUES(1,'gender.valid','Alpha',X'5111ED239607A7DABE2AED4E');
INSERT INTO "failures" VALUES(2,'gender.valid','Alpha',X'3B846BEA72752ECDA860962B');
INSERT INTO "failures" VALUES(2,'gender.valid','Alpha',X'5111ED239607A7DABE2AED4E');
INSERT INTO "failures" VALUES(2,'gender.valid','Alpha',X'EEE57DF29D12D5F3AF04CC91');
INSERT INTO "failures" VALUES(2,'gender.valid','Alpha',X'3FC59B78C04CB8D62DE81049');
CREATE TABLE kpis (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    kpi_id TEXT NOT NULL, team TEXT NOT NULL, value REAL, measure TEXT NOT NULL,
    PRIMARY KEY (run_id, kpi_id, team)
);
INSERT INTO "kpis" VALUES(1,'records_checked','',10.0,'rows');
INSERT INTO "kpis" VALUES(1,'records_checked','Alpha',10.0,'rows');
INSERT INTO "kpis" VALUES(1,'completeness','',1.0,'pass_rate');
INSERT INTO "kpis" VALUES(1,'completeness','Alpha',1.0,'pass_rate');
INSERT INTO "kpis" VALUES(1,'decisions_timely','',1.0,'pass_rate');
INSERT INTO "kpis" VALUES(1,'decisions_timely','Alpha',1.0,'pass_rate');
INSERT INTO "kpis" VALUES(1,'assessments_timely','',1.0,'pass_rate');
INSERT INTO "kpis" VALUES(1,'assessments_timely','Alpha',1.0,'pass_rate');
INSERT INTO "kpis" VALUES(1,'icpcs_timely','',NULL,'pass_rate');
INSERT INTO "kpis" VALUES(1,'icpcs_timely','Alpha',NULL,'pass_rate');
INSERT INTO "kpis" VALUES(1,'decisions_overdue','',0.0,'failed');
INSERT INTO "kpis" VALUES(1,'decisions_overdue','Alpha',0.0,'failed');
INSERT INTO "kpis" VALUES(1,'assessments_authorised','',1.0,'pass_rate');
INSERT INTO "kpis" VALUES(1,'assessments_authorised','Alpha',1.0,'pass_rate');
INSERT INTO "kpis" VALUES(1,'reasons_sufficient','',1.0,'pass_rate');
INSERT INTO "kpis" VALUES(1,'reasons_sufficient','Alpha',1.0,'pass_rate');
INSERT INTO "kpis" VALUES(1,'re_referrals','',0.0,'re_referral_rate');
INSERT INTO "kpis" VALUES(1,'re_referrals','Alpha',0.0,'re_referral_rate');
INSERT INTO "kpis" VALUES(2,'records_checked','',10.0,'rows');
INSERT INTO "kpis" VALUES(2,'records_checked','Alpha',10.0,'rows');
INSERT INTO "kpis" VALUES(2,'completeness','',1.0,'pass_rate');
INSERT INTO "kpis" VALUES(2,'completeness','Alpha',1.0,'pass_rate');
INSERT INTO "kpis" VALUES(2,'decisions_timely','',1.0,'pass_rate');
INSERT INTO "kpis" VALUES(2,'decisions_timely','Alpha',1.0,'pass_rate');
INSERT INTO "kpis" VALUES(2,'assessments_timely','',1.0,'pass_rate');
INSERT INTO "kpis" VALUES(2,'assessments_timely','Alpha',1.0,'pass_rate');
INSERT INTO "kpis" VALUES(2,'icpcs_timely','',NULL,'pass_rate');
INSERT INTO "kpis" VALUES(2,'icpcs_timely','Alpha',NULL,'pass_rate');
INSERT INTO "kpis" VALUES(2,'decisions_overdue','',0.0,'failed');
INSERT INTO "kpis" VALUES(2,'decisions_overdue','Alpha',0.0,'failed');
INSERT INTO "kpis" VALUES(2,'assessments_authorised','',1.0,'pass_rate');
INSERT INTO "kpis" VALUES(2,'assessments_authorised','Alpha',1.0,'pass_rate');
INSERT INTO "kpis" VALUES(2,'reasons_sufficient','',1.0,'pass_rate');
INSERT INTO "kpis" VALUES(2,'reasons_sufficient','Alpha',1.0,'pass_rate');
INSERT INTO "kpis" VALUES(2,'re_referrals','',0.0,'re_referral_rate');
INSERT INTO "kpis" VALUES(2,'re_referrals','Alpha',0.0,'re_referral_rate');
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    run_at TEXT NOT NULL,
    as_of TEXT NOT NULL,
    schema_name TEXT NOT NULL,
    schema_version TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    rows INTEGER NOT NULL,
    UNIQUE (schema_name, schema_version, fingerprint, as_of)
);
INSERT INTO "runs" VALUES(1,'2026-12-06T14:53:25','2025-06-02','wales-referral','1','d081d9c93f30c3ce9a3537ae91c2b2781e557bdf8bcb1c0e0b4d03a04e2c62b0',10);
INSERT INTO "runs" VALUES(2,'2026-12-06T14:53:27','2025-06-03','wales-referral','1','81780402a4ebb39aacabbe60685ef4b9b9acf5a3cfb883e1c26304bf93e0c40c',10);
CREATE INDEX failures_by_run ON failures (run_id, rule_id, record);
COMMIT;
