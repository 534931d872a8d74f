package Racklab::File::Server;
# Routes of the node's HTTP port: /_node/* is the node-to-node blob API (lab node key), /dav/* is WebDAV
# and /api/* the JSON storage API (both with the user's Basic credentials), /health the health check.
use strict;
use warnings;
use Encode qw(encode decode);
use JSON::PP;
use MIME::Base64 qw(decode_base64);
use URI::Escape qw(uri_unescape);
use Racklab::File::Config qw(cfg);
use Racklab::File::HTTP qw(respond);
use Racklab::File::Path qw(clean_path fail);
use Racklab::File::Meta qw(auth_user user_by_login get_entry list_dir make_dir put_file delete_tree usage);
use Racklab::File::Blobs qw(spool store_local remove_local list_local has_local blob_path);
use Racklab::File::Sums qw(parse_sums sums_file);
use Racklab::File::Store qw(put_blob open_blob);
use Racklab::File::DAV;
use Racklab::File::Locks qw(assert_unlocked drop_locks_under);
use Racklab::File::DB qw(dbh_read);
use Racklab::File::Wake qw(wake_here);

my $JSON = JSON::PP->new->canonical->utf8;

sub json { my ($req, $status, $data) = @_; respond($req, $status, [ 'Content-Type' => 'application/json' ], $JSON->encode($data)) }

sub handle {
    my ($req) = @_;
    my $path = $req->{uri}->path;
    return health($req) if $path eq '/health';
    return node_api($req, $1) if $path =~ m{^/_node/(.*)$};
    if ($path =~ m{^/(?:dav|api)(?:/|$)}) {
        my $user = authenticate($req) or return;
        return Racklab::File::DAV::handle($req, $user) if $path =~ m{^/dav};
        return user_api($req, $user);
    }
    fail(404, "nothing at $path");
}

sub authenticate {
    my ($req) = @_;
    # the webmail acts for its logged-in user on /api/ with the lab's web key (it never keeps passwords)
    if (defined(my $key = $req->{headers}->header('X-Racklab-Web-Key'))) {
        my $login = $req->{headers}->header('X-Racklab-User') // '';
        fail(403, 'the web key is wrong, or used outside /api/') unless defined cfg('web_key') && $key eq cfg('web_key') && $req->{uri}->path =~ m{^/api/};
        return user_by_login($login) // fail(403, "no user '$login'");
    }
    my ($b64) = ($req->{headers}->header('Authorization') // '') =~ /^Basic\s+(\S+)$/i;
    my ($login, $pw) = defined $b64 ? split(/:/, decode_base64($b64), 2) : ();
    my $user = defined $pw ? auth_user($login, $pw) : undef;
    return $user if $user;
    respond($req, 401, [ 'WWW-Authenticate' => 'Basic realm="Racklab files", charset="UTF-8"', 'Content-Type' => 'text/plain' ], "login required\n");
    return undef;
}

sub health {
    my ($req) = @_;
    my $db = eval { dbh_read(); 1 } ? 'ok' : 'down';
    json($req, 200, { node => cfg('server'), db => $db });
}

sub node_api {
    my ($req, $rest) = @_;
    fail(403, 'node key missing or wrong') unless ($req->{headers}->header('X-Racklab-Node-Key') // '') eq cfg('node_key');
    my $m = $req->{method};
    if ($rest =~ m{^blob/([0-9a-f]{40})$}) {
        my $sha1 = $1;
        if ($m eq 'PUT') {
            my $up = spool($req->{read}, $req->{declared});
            if ($up->{sha1} ne $sha1) { unlink $up->{tmp}; fail(400, "content has SHA1 $up->{sha1}, not $sha1") }
            store_local($sha1, $up->{tmp}, $up->{sums});
            return respond($req, 201, [], '');
        }
        if ($m eq 'GET' || $m eq 'HEAD') {
            my $norepair = ($req->{uri}->query // '') =~ /norepair=1/;
            my ($file, $tmp) = open_blob($sha1, $norepair);
            respond($req, 200, [ 'Content-Type' => 'application/octet-stream' ], { file => $file });
            unlink $file if $tmp;
            return;
        }
        if ($m eq 'DELETE') { remove_local($sha1); return respond($req, 204, [], '') }
    }
    # a read on a node that holds no copy streams from a holder (Read.pm): that holder's chunk sums, then its copy
    # as it is on disk from a chunk on (?from=N), checked chunk by chunk by the reader, never here
    if ($rest =~ m{^(sums|raw)/([0-9a-f]{40})$} && $m eq 'GET') {
        my ($what, $sha1) = ($1, $2);
        fail(404, "no copy of $sha1 here") unless has_local($sha1);
        my $path = blob_path($sha1);
        if ($what eq 'sums') {
            my ($size) = ($req->{uri}->query // '') =~ /(?:^|&)size=(\d+)/ or fail(400, 'sums needs ?size=N');
            my $file = sums_file($path);
            fail(404, "no chunk sums for $sha1 here") unless defined parse_sums($file, $sha1, $size);
            return respond($req, 200, [ 'Content-Type' => 'application/octet-stream' ], $file);
        }
        my ($from) = ($req->{uri}->query // '') =~ /(?:^|&)from=(\d+)/;
        $from //= 0;
        my $size = -s $path;
        fail(416, "from=$from is past the end ($size bytes)") if $from > $size;
        return respond($req, 200, [ 'Content-Type' => 'application/octet-stream' ], { file => $path, offset => $from, length => $size - $from });
    }
    # the second copy of an upload, streamed while it arrives (Stream.pm): kept only when the trailer's SHA1
    # is what arrived, and answered 201 only once durable
    if ($rest eq 'stream' && $m eq 'PUT') {
        my $up = spool($req->{read}, undef);
        my $want = ($req->{trailers} // {})->{'x-racklab-sha1'} // '';
        if ($up->{sha1} ne $want) { unlink $up->{tmp}; fail(400, "streamed content has SHA1 $up->{sha1}, the trailer says '$want'") }
        store_local($up->{sha1}, $up->{tmp}, $up->{sums});
        return respond($req, 201, [], '');
    }
    if ($rest eq 'wake' && $m eq 'POST') { wake_here(); return respond($req, 204, [], '') }
    if ($rest eq 'stat' && $m eq 'GET') {
        my @b = list_local();
        return json($req, 200, { node => cfg('server'), blobs => scalar @b, bytes => Racklab::File::Blobs::usage(), capacity => cfg('capacity') });
    }
    fail(404, "no node API $m /_node/$rest");
}

# /api/files/<path>: GET a folder → JSON listing, a file → its bytes; PUT a file; DELETE; POST ?mkdir
# /api/usage → {used, quota}
sub user_api {
    my ($req, $user) = @_;
    my $m = $req->{method};
    my $raw = $req->{uri}->path;
    if ($raw eq '/api/usage') { return json($req, 200, { user => $user->{login}, used => usage($user->{id}) + 0, quota => $user->{quota} + 0 }) }
    fail(404, "no API at $raw") unless $raw =~ m{^/api/files(?:/(.*))?$}s;
    my $path = clean_path(uri_unescape($1 // ''));
    my $uid = $user->{id};
    if ($m eq 'GET') {
        my $e = get_entry($uid, $path) // fail(404, "$path does not exist");
        return Racklab::File::DAV::do_GET($req, $user, $path) if $e->{kind} eq 'file';
        return json($req, 200, { path => $path, entries => [ map { { name => (split m{/}, $_->{path})[-1], kind => $_->{kind}, size => $_->{size} + 0, mtime => $_->{mtime} + 0, sha1 => $_->{sha1} } } list_dir($uid, $path) ] });
    }
    # the API cannot submit DAV lock tokens: a locked resource is read-only here (423)
    my $member = [ Racklab::File::Path::parent_of($path) // '/', 'member' ];
    if ($m eq 'PUT') { assert_unlocked($uid, [ $path, 'self' ], get_entry($uid, $path) ? () : $member); return Racklab::File::DAV::do_PUT($req, $user, $path) }
    if ($m eq 'DELETE') { assert_unlocked($uid, [ $path, 'tree' ], $member); delete_tree($uid, $path); drop_locks_under($uid, $path); return respond($req, 204, [], '') }
    if ($m eq 'POST' && ($req->{uri}->query // '') eq 'mkdir') { assert_unlocked($uid, [ $path, 'self' ], $member); make_dir($uid, $path); return json($req, 201, { path => $path }) }
    fail(405, "$m is not allowed on /api/files");
}

1;
