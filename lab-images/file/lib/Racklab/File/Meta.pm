package Racklab::File::Meta;
# The users' trees in MySQL (table files, see lab-images/db/schema.sql): folders and files, sizes, mtimes,
# quotas, and WebDAV dead properties. Every change is one transaction on the primary, so nothing
# half-done is ever visible. Errors die with {status, message} in HTTP terms; each protocol maps them.
use strict;
use warnings;
use Racklab::File::DB qw(dbh_read dbh_write txn lock_user);
use Racklab::File::Path qw(fail parent_of);
use Exporter qw(import);
our @EXPORT_OK = qw(auth_user user_by_login get_entry list_dir make_dir put_file delete_tree copy_tree usage props_of set_props);

my $COLS = 'id, path, parent, kind, sha1, size, UNIX_TIMESTAMP(mtime) AS mtime, UNIX_TIMESTAMP(created) AS created';

sub _like { my ($p) = @_; $p =~ s/([\\%_])/\\$1/g; return $p }

# auth_user(login, password) → {id, login, quota} or undef; "alice@fastmail.test" is alice
sub auth_user {
    my ($login, $password) = @_;
    $login =~ s/\@.*$//;
    return undef unless length $login && length $password;
    my $row = dbh_read()->selectrow_hashref(q{
        SELECT id, login, file_quota AS quota FROM users WHERE login = ? AND password_hash = CONCAT('sha256$',
          SUBSTRING_INDEX(SUBSTRING_INDEX(password_hash, '$', 2), '$', -1), '$',
          SHA2(CONCAT(SUBSTRING_INDEX(SUBSTRING_INDEX(password_hash, '$', 2), '$', -1), ?), 256))}, undef, $login, $password);
    return $row;
}

# user_by_login(login) → {id, login, quota} or undef: for the webmail, which vouches for its session's user
sub user_by_login {
    my ($login) = @_;
    return dbh_read()->selectrow_hashref('SELECT id, login, file_quota AS quota FROM users WHERE login = ?', undef, $login);
}

sub _root { return { id => undef, path => '/', parent => '', kind => 'dir', sha1 => undef, size => 0, mtime => 0, created => 0 } }

sub get_entry {
    my ($uid, $path, $db) = @_;
    return _root() if $path eq '/';
    return ($db // dbh_read())->selectrow_hashref("SELECT $COLS FROM files WHERE user_id = ? AND path = ?", undef, $uid, $path);
}

sub list_dir {
    my ($uid, $path) = @_;
    return @{ dbh_read()->selectall_arrayref("SELECT $COLS FROM files WHERE user_id = ? AND parent = ? ORDER BY path", { Slice => {} }, $uid, $path) };
}

sub usage {
    my ($uid, $db) = @_;
    return (($db // dbh_read())->selectrow_array('SELECT COALESCE(SUM(size), 0) FROM files WHERE user_id = ?', undef, $uid))[0];
}

sub _need_parent_dir {
    my ($db, $uid, $path) = @_;
    my $parent = parent_of($path);
    my $p = get_entry($uid, $parent, $db);
    fail(409, "the folder $parent does not exist") unless $p;
    fail(409, "$parent is a file, not a folder") unless $p->{kind} eq 'dir';
    return $parent;
}

sub make_dir {
    my ($uid, $path) = @_;
    fail(405, 'the root folder exists') if $path eq '/';
    txn(sub {
        my ($db) = @_;
        lock_user($db, $uid);
        my $parent = _need_parent_dir($db, $uid, $path);
        fail(405, "$path already exists") if get_entry($uid, $path, $db);
        $db->do('INSERT INTO files (user_id, path, parent, kind, mtime) VALUES (?, ?, ?, ?, UTC_TIMESTAMP())', undef, $uid, $path, $parent, 'dir');
    });
}

# a file row about to name $sha1: the blob row must still be there, and stays until this transaction ends (a
# share lock, against the collector's FOR UPDATE: Collect.pm). Gone means it was collected in between: 503.
sub _hold_blob {
    my ($db, $sha1) = @_;
    my ($row) = $db->selectrow_array('SELECT sha1 FROM blobs WHERE sha1 = ? LOCK IN SHARE MODE', undef, $sha1);
    fail(503, "the content $sha1 was collected as unused while this request ran: send it again") unless $row;
}

# put_file → 'created' or 'replaced'; the quota counts the new size instead of the old one
sub put_file {
    my ($uid, $path, $sha1, $size, $quota) = @_;
    fail(405, 'cannot write to the root folder itself') if $path eq '/';
    return txn(sub {
        my ($db) = @_;
        lock_user($db, $uid);
        my $parent = _need_parent_dir($db, $uid, $path);
        my $old = $db->selectrow_hashref('SELECT id, kind, size FROM files WHERE user_id = ? AND path = ? FOR UPDATE', undef, $uid, $path);
        fail(405, "$path is a folder") if $old && $old->{kind} eq 'dir';
        my $used = usage($uid, $db) - ($old ? $old->{size} : 0);
        fail(507, "quota exceeded: $used + $size bytes is over the quota of $quota bytes") if $used + $size > $quota;
        _hold_blob($db, $sha1);
        if ($old) {
            $db->do('UPDATE files SET sha1 = ?, size = ?, mtime = UTC_TIMESTAMP() WHERE id = ?', undef, $sha1, $size, $old->{id});
            return 'replaced';
        }
        $db->do('INSERT INTO files (user_id, path, parent, kind, sha1, size, mtime) VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP())', undef, $uid, $path, $parent, 'file', $sha1, $size);
        return 'created';
    });
}

sub _delete_in {
    my ($db, $uid, $path) = @_;
    return $db->do('DELETE FROM files WHERE user_id = ? AND (path = ? OR path LIKE ?)', undef, $uid, $path, _like($path) . '/%');
}

sub delete_tree {
    my ($uid, $path) = @_;
    fail(403, 'the root folder cannot be deleted') if $path eq '/';
    txn(sub {
        my ($db) = @_;
        lock_user($db, $uid);
        fail(404, "$path does not exist") unless get_entry($uid, $path, $db);
        _delete_in($db, $uid, $path);
    });
}

# copy_tree(uid, src, dst, {deep, overwrite, move, quota}) → 'created' or 'replaced'. Content is shared
# (same SHA1), so a copy costs metadata only, but it counts against the quota like any file.
sub copy_tree {
    my ($uid, $src, $dst, $o) = @_;
    fail(403, 'source and destination are the same') if $src eq $dst;
    fail(403, 'cannot copy or move the root folder') if $src eq '/';
    fail(409, 'cannot copy or move a folder into itself') if index($dst, "$src/") == 0;
    return txn(sub {
        my ($db) = @_;
        lock_user($db, $uid);
        my $s = get_entry($uid, $src, $db) or fail(404, "$src does not exist");
        my $parent = _need_parent_dir($db, $uid, $dst);
        my $existing = get_entry($uid, $dst, $db);
        fail(412, "$dst exists and Overwrite is F") if $existing && !$o->{overwrite};
        fail(403, "$dst contains $src") if $existing && index($src, "$dst/") == 0;
        _delete_in($db, $uid, $dst) if $existing;
        my @rows = ($s);
        if ($s->{kind} eq 'dir' && ($o->{deep} || $o->{move})) {
            push @rows, @{ $db->selectall_arrayref("SELECT $COLS FROM files WHERE user_id = ? AND path LIKE ? ORDER BY path", { Slice => {} }, $uid, _like($src) . '/%') };
        }
        if (!$o->{move}) {
            my $add = 0;
            $add += $_->{size} for @rows;
            my $used = usage($uid, $db);
            fail(507, "quota exceeded: copying $add bytes would exceed the quota of $o->{quota} bytes") if $used + $add > $o->{quota};
        }
        for my $r (@rows) {
            my $np = $dst . substr($r->{path}, length $src);
            my $npar = parent_of($np);
            if ($o->{move}) {
                $db->do('UPDATE files SET path = ?, parent = ? WHERE id = ?', undef, $np, $npar, $r->{id});
                next;
            }
            _hold_blob($db, $r->{sha1}) if $r->{kind} eq 'file';
            $db->do('INSERT INTO files (user_id, path, parent, kind, sha1, size, mtime) VALUES (?, ?, ?, ?, ?, ?, FROM_UNIXTIME(?))',
                undef, $uid, $np, $npar, $r->{kind}, $r->{sha1}, $r->{size}, $r->{mtime});
            my $nid = $db->last_insert_id(undef, undef, 'files', 'id');
            $db->do('INSERT INTO file_props (file_id, ns, name, xml) SELECT ?, ns, name, xml FROM file_props WHERE file_id = ?', undef, $nid, $r->{id});
        }
        return $existing ? 'replaced' : 'created';
    });
}

sub props_of {
    my ($id) = @_;
    return () unless defined $id;
    return @{ dbh_read()->selectall_arrayref('SELECT ns, name, xml FROM file_props WHERE file_id = ? ORDER BY ns, name', { Slice => {} }, $id) };
}

# set_props(id, [[set|remove, ns, name, xml]…]) in one transaction: all or nothing
sub set_props {
    my ($id, $ops) = @_;
    fail(403, 'the root folder has no properties to change') unless defined $id;
    txn(sub {
        my ($db) = @_;
        for my $op (@$ops) {
            my ($what, $ns, $name, $xml) = @$op;
            if ($what eq 'set') {
                $db->do('REPLACE INTO file_props (file_id, ns, name, xml) VALUES (?, ?, ?, ?)', undef, $id, $ns, $name, $xml);
            } else {
                $db->do('DELETE FROM file_props WHERE file_id = ? AND ns = ? AND name = ?', undef, $id, $ns, $name);
            }
        }
        $db->do('UPDATE files SET mtime = mtime WHERE id = ?', undef, $id);
    });
}

1;
