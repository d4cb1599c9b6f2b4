-- A refcheck history written by the refcheck of commit(s) 83efc0c, 70ec43d (one run each),
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
CREATE TABLE failure_sets (
    run_id INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    parquet BLOB NOT NULL
);
INSERT INTO "failure_sets" VALUES(2,X'504152311504152015324C15021500000028B52FFD20108100000C00000067656E6465722E76616C69641500151015222C15081510150615061C3600280C67656E6465722E76616C6964180C67656E6465722E76616C696400000028B52FFD20084100000200000008010003150C193500061019180772756C655F6964150C160816AC0116D001265426081C3600280C67656E6465722E76616C6964180C67656E6465722E76616C696400001504151215244C15021500000028B52FFD200949000005000000416C7068611500151015222C15081510150615061C36002805416C7068611805416C70686100000028B52FFD20084100000200000008010003150C19350006101918047465616D150C160816820116A60126960326D8021C36002805416C7068611805416C706861000015041580011592014C15081500000028B52FFD20400102000C000000EEE57DF29D12D5F3AF04CC910C0000003FC59B78C04CB8D62DE810490C0000003B846BEA72752ECDA860962B0C0000005111ED239607A7DABE2AED4E1500151415262C15081510150615061C3600280CEEE57DF29D12D5F3AF04CC91180C3B846BEA72752ECDA860962B00000028B52FFD200A5100000200000008010203E400150C19350006101918067265636F7264150C160816940216B80226900626E0041C3600280CEEE57DF29D12D5F3AF04CC91180C3B846BEA72752ECDA860962B000019110219180C67656E6465722E76616C696419180C67656E6465722E76616C6964150019160000191102191805416C706861191805416C70686115001916000019110219180C3B846BEA72752ECDA860962B19180CEEE57DF29D12D5F3AF04CC91150019160000191C165415840116000000191C169603156816000000191C169006158801160000001502194C4804726F6F74150600150C2502180772756C655F696425004C1C000000150C250218047465616D25004C1C000000150C250218067265636F7264001608191C193C26A4021C150C193500061019180772756C655F6964150C160816AC0116D001265426081C3600280C67656E6465722E76616C6964180C67656E6465722E76616C6964000016E8091516169A08154E0026BC041C150C19350006101918047465616D150C160816820116A60126960326D8021C36002805416C7068611805416C706861000016FE09151616E80815320026C8081C150C19350006101918067265636F7264150C160816940216B80226900626E0041C3600280CEEE57DF29D12D5F3AF04CC91180C3B846BEA72752ECDA860962B000016940A1518169A09154E0016C2041608260816AE05140000191C180C4152524F573A736368656D611898022F2F2F2F2F386741414141454141414138762F2F2F78514141414145414145414141414B414173414341414B414151412B502F2F2F77774141414149414167414141414541414D4141414263414141414D41414141415141414143632F2F2F2F4741414141424141414141494141414141524D4141414141414143632F2F2F2F4267414141484A6C593239795A41414178502F2F2F78674141414151414141414341414141414555414141414141414178502F2F2F775141414142305A57467441414141414F7A2F2F2F38734141414149414141414267414141414246414141454141534141514145414152414167414141414D41414141414144382F2F2F2F4241414541416341414142796457786C58326C6B41413D3D00184E506F6C6172732028707974686F6E292076657273696F6E20322E312E3020286275696C64203766393032626433666664323766663832643134323738613039613239356666326637616564393229193C1C00001C00001C000000B902000050415231');
CREATE TABLE failures (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    rule_id TEXT NOT NULL, team TEXT NOT NULL, record BLOB NOT NULL
);
INSERT INTO "failures" VALUES(1,'gender.valid','Alpha',X'0203F4FBBB56BB28979E29AF');
INSERT INTO "failures" VALUES(1,'gender.valid','Alpha',X'3B846BEA72752ECDA860962B');
INSERT INTO "failures" VALUES(1,'gender.valid','Alpha',X'5111ED239607A7DABE2AED4E');
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
INSERT INTO "runs" VALUES(1,'2026-12-06T14:53:30','2025-06-02','wales-referral','1','d081d9c93f30c3ce9a3537ae91c2b2781e557bdf8bcb1c0e0b4d03a04e2c62b0',10);
INSERT INTO "runs" VALUES(2,'2026-12-06T14:53:32','2025-06-03','wales-referral','1','81780402a4ebb39aacabbe60685ef4b9b9acf5a3cfb883e1c26304bf93e0c40c',10);
CREATE INDEX failures_by_run ON failures (run_id, rule_id, record);
COMMIT;
