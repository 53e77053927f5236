-- 009: proxies belong to users like every other resource, and names are unique per owner.
-- `password_hash` keeps the seed's name but holds the proxy password encrypted (AES-256-GCM with the
-- server's key, "v1:" + base64(nonce | ciphertext | tag)): a proxy needs the password itself to log in.
ALTER TABLE proxies
    ADD COLUMN user_id UUID REFERENCES users(id) ON DELETE CASCADE,
    ADD CONSTRAINT proxies_owner_name_unique UNIQUE (user_id, name),
    ADD CONSTRAINT proxies_name_not_blank CHECK (length(btrim(name)) > 0);
CREATE INDEX idx_proxies_user ON proxies(user_id);
