package Racklab::Webmail::Files;
# The Files page's client of the storage API on the file nodes (lab-images/file, /api/files/…): list a
# folder, upload a file, fetch a file. The webmail never keeps a password, so it acts for its session's user
# with the lab's web key (X-Racklab-Web-Key + X-Racklab-User), as it acts for users at IMAP as the Cyrus
# admin. Any node serves any user: the nodes are tried in turn, the next one when one does not answer.
use strict;
use warnings;
use Encode qw(decode encode);
use HTTP::Tiny;
use JSON::PP ();
use Racklab::Webmail::Config qw(cfg);
use Exporter qw(import);
our @EXPORT_OK = qw(files_available clean_dir list_folder upload_file make_folder fetch_file);

my $JSON = JSON::PP->new->utf8;

sub files_available { return scalar @{ cfg('file_hosts') } }

# clean_dir(text) → "/" or "/a/b" (untainted), or undef for anything else (.., control characters, over 512)
sub clean_dir {
    my ($p) = @_;
    $p //= '/';
    return undef if length $p > 512 || $p =~ /[\x00-\x1f\x7f]/;
    my @seg = grep { length } split m{/}, $p;
    return undef if grep { $_ eq '.' || $_ eq '..' } @seg;
    my ($ok) = ('/' . join('/', @seg)) =~ /^(.*)$/s;
    return $ok;
}

sub _url {
    my ($host, $path) = @_;
    my $enc = join '/', map { my $b = encode('UTF-8', $_); $b =~ s/([^A-Za-z0-9._~-])/sprintf '%%%02X', ord $1/ge; $b } grep { length } split m{/}, $path;
    return "http://$host/api/files/$enc";
}

# _call(login, method, path, {content, data_callback}) → HTTP::Tiny response from the first node that answers
sub _call {
    my ($login, $method, $path, $o) = @_;
    my $http = HTTP::Tiny->new(timeout => 30, agent => 'racklab-webmail');
    my $last;
    for my $host (@{ cfg('file_hosts') }) {
        my $res = $http->request($method, _url($host, $path) . (defined $o->{query} ? "?$o->{query}" : ''), {
            headers => { 'X-Racklab-Web-Key' => cfg('file_key'), 'X-Racklab-User' => $login, ($o->{type} ? ('Content-Type' => $o->{type}) : ()) },
            (defined $o->{content} ? (content => $o->{content}) : ()),
            ($o->{data_callback} ? (data_callback => $o->{data_callback}) : ()),
        });
        # 599: no connection (HTTP::Tiny's own status); a 502/503 node may lack its database: try the next
        return $res unless $res->{status} == 599 || $res->{status} == 503;
        $last = $res;
    }
    die 'the file storage does not answer (' . (($last // {})->{content} // 'no file nodes') =~ s/\s+$//r . ")\n";
}

sub _error {
    my ($res) = @_;
    my $msg = decode('UTF-8', $res->{content} // '') =~ s/\s+$//r;
    return "$res->{status}: " . (length $msg ? $msg : $res->{reason});
}

# list_folder(login, dir) → {entries => [{name, kind, size, mtime}…]} or {error}
sub list_folder {
    my ($login, $dir) = @_;
    my $res = _call($login, 'GET', $dir);
    return { error => _error($res) } unless $res->{success};
    my $d = eval { $JSON->decode($res->{content}) } or return { error => 'the storage API answered something that is not JSON' };
    return { error => "$dir is a file, not a folder" } unless ref $d eq 'HASH' && ref $d->{entries} eq 'ARRAY';
    return { entries => $d->{entries} };
}

# upload_file(login, path, bytes) → undef on success, or the error
sub upload_file {
    my ($login, $path, $bytes) = @_;
    my $res = _call($login, 'PUT', $path, { content => $bytes, type => 'application/octet-stream' });
    return $res->{success} ? undef : _error($res);
}

# make_folder(login, path) → undef on success, or the error
sub make_folder {
    my ($login, $path) = @_;
    my $res = _call($login, 'POST', $path, { query => 'mkdir' });
    return $res->{success} ? undef : _error($res);
}

# fetch_file(login, path, sink(chunk, {type, length})) → undef when the bytes went to the sink (its first
# call comes with the type and length, so the answer's head can be sent before any byte), or the error
sub fetch_file {
    my ($login, $path, $sink) = @_;
    my ($err, $started) = ('', 0);
    my $head = sub { my ($r) = @_; return { type => $r->{headers}{'content-type'}, length => $r->{headers}{'content-length'} } };
    my $res = _call($login, 'GET', $path, { data_callback => sub {
        my ($chunk, $r) = @_;
        if ($r->{status} != 200) { $err .= $chunk; return }
        $sink->($chunk, $started++ ? undef : $head->($r));
    } });
    return _error({ %$res, content => $err }) unless $res->{success};
    $sink->('', $head->($res)) unless $started;    # an empty file: no data came
    return undef;
}

1;
