-- 007: keyword sets and rules as the keywords service needs them: names unique per owner,
-- rule kinds (string or regex), case sensitivity, category, snippet context and order.
ALTER TABLE keyword_sets
    ADD CONSTRAINT keyword_sets_owner_name_unique UNIQUE (user_id, name),
    ADD CONSTRAINT keyword_sets_name_not_blank CHECK (length(btrim(name)) > 0);

ALTER TABLE keyword_rules
    ADD COLUMN kind VARCHAR(10) NOT NULL DEFAULT 'string',
    ADD COLUMN case_sensitive BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN category VARCHAR(100),
    ADD COLUMN context_chars INTEGER NOT NULL DEFAULT 50,
    ADD COLUMN position INTEGER NOT NULL DEFAULT 0,
    ADD CONSTRAINT keyword_rules_kind_check CHECK (kind IN ('string', 'regex')),
    ADD CONSTRAINT keyword_rules_context_range CHECK (context_chars BETWEEN 0 AND 1000),
    ADD CONSTRAINT keyword_rules_keyword_not_empty CHECK (length(keyword) > 0);
