package Racklab::Webmail::Session;
# Logins and sessions. A session is a row in web_sessions, so any web server can serve it. It needs BOTH
# the salt carried in every URL (s=…) and the cookie; only a SHA-256 of the cookie is stored, so neither a
# leaked URL nor a read of the table is enough. Wrong login and wrong password look exactly alike.
use strict;
use warnings;
use Digest::SHA qw(sha256_hex hmac_sha256_hex);
use Racklab::Webmail::DB qw(dbh writable_dbh);
use Exporter qw(import);
our @EXPORT_OK = qw(check_password create_session find_session destroy_session csrf_token csrf_ok random_hex same);

our $LIFETIME_HOURS = 8;
my $LOGIN = qr/^([a-z][a-z0-9._-]{0,63})$/;

sub random_hex {
    my ($bytes) = @_;
    open my $fh, '<:raw', '/dev/urandom' or die "cannot read /dev/urandom: $!\n";
    read($fh, my $buf, $bytes) == $bytes or die "short read from /dev/urandom\n";
    return unpack 'H*', $buf;
}

# constant-time string comparison
sub same {
    my ($a, $b) = @_;
    return 0 unless defined $a && defined $b && length $a == length $b;
    my $d = 0;
    $d |= ord(substr $a, $_, 1) ^ ord(substr $b, $_, 1) for 0 .. length($a) - 1;
    return $d == 0;
}

# check_password(login, password) → user row {id, login, full_name, store} or undef. Same work either way.
sub check_password {
    my ($login, $password) = @_;
    my ($clean) = ($login // '') =~ $LOGIN;
    my $row = $clean
      ? dbh()->selectrow_hashref('SELECT id, login, full_name, store, password_hash FROM users WHERE login = ?', undef, $clean)
      : undef;
    my ($salt, $want) = ($row->{password_hash} // 'sha256$0000000000000000$' . ('0' x 64)) =~ /^sha256\$([0-9a-f]+)\$([0-9a-f]{64})$/;
    my $got = sha256_hex(($salt // '') . ($password // ''));
    return undef unless $row && defined $want && same($got, $want) && length($password // '');
    delete $row->{password_hash};
    return $row;
}

# create_session(user id, client ip) → {salt, cookie}
sub create_session {
    my ($user_id, $ip) = @_;
    my ($uid) = "$user_id" =~ /^(\d+)$/ or die "bad user id\n";
    my ($id, $salt, $cookie) = (random_hex(16), random_hex(8), random_hex(24));
    writable_dbh()->do('INSERT INTO web_sessions (id, user_id, salt, cookie_hash, expires) VALUES (?, ?, ?, ?, NOW() + INTERVAL ? HOUR)',
        undef, $id, $uid, $salt, sha256_hex($cookie), $LIFETIME_HOURS);
    # expired rows stay a day, so their owner is told "expired" rather than "not valid"
    writable_dbh()->do('DELETE FROM web_sessions WHERE expires < NOW() - INTERVAL 1 DAY');
    return { salt => $salt, cookie => $cookie };
}

# find_session(salt, cookie) → (session with its user) or (undef, 'expired' | 'invalid'). "expired" only when
# both the salt and the cookie are right, so it tells a guesser nothing; the row then goes.
sub find_session {
    my ($salt_in, $cookie_in) = @_;
    my ($salt)   = ($salt_in // '') =~ /^([0-9a-f]{16})$/ or return (undef, 'invalid');
    my ($cookie) = ($cookie_in // '') =~ /^([0-9a-f]{48})$/ or return (undef, 'invalid');
    my $s = dbh()->selectrow_hashref(
        'SELECT s.id, s.salt, s.cookie_hash, s.expires > NOW() AS live, u.id AS user_id, u.login, u.full_name, u.store
           FROM web_sessions s JOIN users u ON u.id = s.user_id
          WHERE s.salt = ?', undef, $salt) or return (undef, 'invalid');
    return (undef, 'invalid') unless same(sha256_hex($cookie), $s->{cookie_hash});
    unless ($s->{live}) {
        # on a read-only replica the row stays until the primary is back; the answer is the same
        dbh()->do('DELETE FROM web_sessions WHERE id = ?', undef, $s->{id}) if Racklab::Webmail::DB::writable();
        return (undef, 'expired');
    }
    # housekeeping only: skipped while only a read-only replica answers (reading mail still works)
    dbh()->do('UPDATE web_sessions SET last_seen = NOW() WHERE id = ? AND last_seen < NOW() - INTERVAL 1 MINUTE', undef, $s->{id})
      if Racklab::Webmail::DB::writable();
    return ($s);
}

# destroy_session(session): dies with a Racklab::DbClient::ReadOnly while only a replica answers
sub destroy_session {
    my ($s) = @_;
    writable_dbh()->do('DELETE FROM web_sessions WHERE id = ?', undef, $s->{id});
}

# CSRF token: derived from the session's secret id, which never leaves the server
sub csrf_token { my ($s) = @_; return substr(hmac_sha256_hex("csrf:$s->{salt}", $s->{id}), 0, 32) }
sub csrf_ok { my ($s, $t) = @_; return same(csrf_token($s), $t // '') }

1;
