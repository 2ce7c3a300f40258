-- Transactional outbox and inbox of the building blocks. They hold identifiers and codes only
-- (events never carry personal data), and the relay works across regios, so no row-level security.
CREATE TABLE outbox (
    seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id        uuid        NOT NULL UNIQUE,
    topic           text        NOT NULL,
    type            text        NOT NULL,
    subject         text        NOT NULL,
    regio           text        NOT NULL,
    payload         bytea       NOT NULL,
    traceparent     text,
    created_at      timestamptz NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    published_at    timestamptz,
    last_error      text
);

CREATE INDEX outbox_pending ON outbox (seq) WHERE published_at IS NULL;

CREATE TABLE inbox (
    consumer    text        NOT NULL,
    event_id    uuid        NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (consumer, event_id)
);
