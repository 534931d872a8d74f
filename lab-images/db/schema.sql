-- Racklab application schema (database `racklab`, InnoDB, utf8mb4).
-- Applied by db-entrypoint on the primary's first start, after the server runs with binlog on, so the
-- replicas receive it from GTID 0 like any other write. Every statement is idempotent.

CREATE TABLE IF NOT EXISTS domains (
  name    VARCHAR(190) NOT NULL PRIMARY KEY,   -- mail domain, e.g. example.test
  created DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A mail store is one Cyrus mailbox set living on a master slot and copied to a replica slot.
-- Slots are server ids (imap1, imap2); failing a store over = swapping the two columns.
CREATE TABLE IF NOT EXISTS stores (
  id           VARCHAR(64)  NOT NULL PRIMARY KEY,   -- e.g. imap1-store
  name         VARCHAR(190) NOT NULL,
  master_slot  VARCHAR(64)  NOT NULL,
  replica_slot VARCHAR(64)  NULL,
  updated      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- password_hash = 'sha256$' || salt || '$' || SHA2(CONCAT(salt, password), 256); salt is 16 hex chars.
-- Check a password in SQL: password_hash = CONCAT('sha256$', SUBSTRING_INDEX(SUBSTRING_INDEX(
--   password_hash, '$', 2), '$', -1), '$', SHA2(CONCAT(SUBSTRING_INDEX(SUBSTRING_INDEX(password_hash,
--   '$', 2), '$', -1), ?), 256)).
CREATE TABLE IF NOT EXISTS users (
  id            INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  login         VARCHAR(64)  NOT NULL,
  password_hash VARCHAR(100) NOT NULL,
  full_name     VARCHAR(190) NOT NULL DEFAULT '',
  store         VARCHAR(64)  NULL,
  file_quota    BIGINT UNSIGNED NOT NULL DEFAULT 1073741824,   -- bytes of file storage (1 GiB)
  created       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE KEY users_login (login),
  KEY users_store (store),
  CONSTRAINT users_store_fk FOREIGN KEY (store) REFERENCES stores (id) ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Webmail sessions need both the URL salt and the cookie; only a hash of the cookie is stored.
CREATE TABLE IF NOT EXISTS web_sessions (
  id          CHAR(32)     NOT NULL PRIMARY KEY,   -- random hex
  user_id     INT UNSIGNED NOT NULL,
  salt        VARCHAR(32)  NOT NULL,               -- the part carried in the URL
  cookie_hash CHAR(64)     NOT NULL,               -- SHA-256 hex of the cookie value
  created     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  expires     DATETIME NOT NULL,
  last_seen   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  KEY web_sessions_user (user_id),
  KEY web_sessions_expires (expires),
  CONSTRAINT web_sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS address_book (
  id      INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id INT UNSIGNED NOT NULL,
  name    VARCHAR(190) NOT NULL DEFAULT '',
  email   VARCHAR(190) NOT NULL,
  created DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  KEY address_book_user (user_id, email),
  CONSTRAINT address_book_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- File storage metadata (lab-images/file). A user's tree is rows of `files`: folders (kind dir, no blob)
-- and files (a blob named by its SHA1). Paths are case-sensitive ("/a/b", utf8mb4_bin); `parent` is
-- the folder's path, so a listing is one index range. `blobs` holds each content once (dedup across
-- users); file_copies says which storage nodes hold a durable copy of a blob. file_props are WebDAV
-- dead properties: the whole property element as XML, namespaces included.
CREATE TABLE IF NOT EXISTS files (
  id      BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id INT UNSIGNED NOT NULL,
  path    VARCHAR(512) COLLATE utf8mb4_bin NOT NULL,
  parent  VARCHAR(512) COLLATE utf8mb4_bin NOT NULL,
  kind    ENUM('file', 'dir') NOT NULL,
  sha1    CHAR(40) CHARACTER SET ascii NULL,
  size    BIGINT UNSIGNED NOT NULL DEFAULT 0,
  mtime   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  created DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE KEY files_user_path (user_id, path),
  KEY files_user_parent (user_id, parent),
  KEY files_sha1 (sha1),
  CONSTRAINT files_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS blobs (
  sha1    CHAR(40) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  size    BIGINT UNSIGNED NOT NULL,
  created DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS file_copies (
  sha1    CHAR(40) CHARACTER SET ascii NOT NULL,
  node    VARCHAR(64) NOT NULL,                    -- storage server id, e.g. file2
  created DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (sha1, node),
  KEY file_copies_node (node)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS file_props (
  file_id BIGINT UNSIGNED NOT NULL,
  ns      VARCHAR(190) COLLATE utf8mb4_bin NOT NULL,
  name    VARCHAR(190) COLLATE utf8mb4_bin NOT NULL,
  xml     MEDIUMTEXT NOT NULL,
  PRIMARY KEY (file_id, ns, name),
  CONSTRAINT file_props_file_fk FOREIGN KEY (file_id) REFERENCES files (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- WebDAV write locks (RFC 4918 class 2), shared by every file node: the token, the locked root in the
-- user's tree, depth 0 or infinity, exclusive or shared, the client's DAV:owner content (XML), the
-- timeout granted and when it runs out (rows past `expires` are dead and swept by the next LOCK).
CREATE TABLE IF NOT EXISTS file_locks (
  token     VARCHAR(80) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  user_id   INT UNSIGNED NOT NULL,
  path      VARCHAR(512) COLLATE utf8mb4_bin NOT NULL,
  depth     ENUM('0', 'infinity') NOT NULL,
  scope     ENUM('exclusive', 'shared') NOT NULL,
  owner     MEDIUMTEXT NULL,
  timeout_s INT UNSIGNED NOT NULL,
  expires   DATETIME NOT NULL,
  KEY file_locks_user (user_id, expires),
  CONSTRAINT file_locks_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Where mail for an address goes: the master slot of the user's store. The LMTP proxy asks
-- `SELECT backend FROM mailroute WHERE address = ?`. Every user has an address in every domain.
CREATE OR REPLACE SQL SECURITY INVOKER VIEW mailroute AS
  SELECT CONCAT(u.login, '@', d.name) AS address,
         u.login                      AS login,
         s.id                         AS store,
         s.master_slot                AS backend,
         s.replica_slot               AS replica
    FROM users u
    JOIN stores s ON s.id = u.store
   CROSS JOIN domains d;
