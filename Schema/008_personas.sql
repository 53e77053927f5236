-- 008: personas of two kinds. The seed's columns stay (user_agent, accept_language, accept_encoding are
-- filled for HTTP personas); the kind's full configuration is JSONB, validated by the server.
ALTER TABLE personas
    ADD COLUMN kind VARCHAR(10) NOT NULL DEFAULT 'http',
    ADD COLUMN config JSONB NOT NULL DEFAULT '{}',
    ADD CONSTRAINT personas_kind_check CHECK (kind IN ('dns', 'http')),
    ADD CONSTRAINT personas_owner_name_unique UNIQUE (user_id, name),
    ADD CONSTRAINT personas_name_not_blank CHECK (length(btrim(name)) > 0);
