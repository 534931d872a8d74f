package Racklab::File::DAV;
# WebDAV classes 1 and 2 over a user's tree (RFC 4918): OPTIONS, PROPFIND depth 0/1, PROPPATCH (dead
# properties stored as XML), MKCOL, GET/HEAD (with a single byte range), PUT, DELETE, COPY/MOVE with
# Overwrite and Depth, LOCK/UNLOCK (exclusive and shared write locks, see Locks.pm) with the If header.
# ETags are the content's SHA1. URLs are /dav/<path>; a collection's href ends in "/".
use strict;
use warnings;
use Encode qw(encode decode);
use URI;
use URI::Escape qw(uri_unescape uri_escape_utf8);
use XML::LibXML;
use Racklab::File::HTTP qw(respond http_date);
use Racklab::File::Path qw(clean_path parent_of fail);
use Racklab::File::Meta qw(get_entry list_dir make_dir put_file delete_tree copy_tree usage props_of set_props);
use Racklab::File::Blobs qw(spool);
use Racklab::File::Store qw(receive_upload put_blob);
use Racklab::File::Read;
use Racklab::File::Locks qw(active_locks covers parse_if if_holds submitted_tokens require_tokens new_token
  conflicting_lock create_lock refresh_locks remove_lock drop_locks_under MAX_TIMEOUT);
use POSIX qw(strftime);

my $PREFIX = '/dav';
my %TYPES = (txt => 'text/plain', html => 'text/html', htm => 'text/html', css => 'text/css', js => 'application/javascript',
    json => 'application/json', xml => 'application/xml', pdf => 'application/pdf', png => 'image/png', jpg => 'image/jpeg',
    jpeg => 'image/jpeg', gif => 'image/gif', zip => 'application/zip', gz => 'application/gzip');

sub _type { my ($p) = @_; my ($ext) = $p =~ /\.([A-Za-z0-9]+)$/; return $TYPES{ lc($ext // '') } // 'application/octet-stream' }

# the user path of a request URL path (raw, percent-encoded), or dies 404 outside /dav
sub path_of_url {
    my ($raw) = @_;
    fail(404, "not under $PREFIX/") unless $raw =~ m{^\Q$PREFIX\E(?:/(.*))?$}s;
    return clean_path(uri_unescape($1 // ''));
}

sub href {
    my ($path, $kind) = @_;
    my $h = $PREFIX . join('', map { '/' . uri_escape_utf8($_) } grep { length } split m{/}, $path);
    return $kind eq 'dir' ? "$h/" : $h;
}

sub _etag { my ($e) = @_; return $e->{kind} eq 'file' ? qq{"$e->{sha1}"} : undef }

sub _xml_escape { my ($s) = @_; $s =~ s/&/&amp;/g; $s =~ s/</&lt;/g; $s =~ s/>/&gt;/g; $s =~ s/"/&quot;/g; return $s }

sub _body_text {
    my ($req, $limit) = @_;
    my $text = '';
    while (length(my $chunk = $req->{read}->(65536))) {
        $text .= $chunk;
        fail(413, "request body over $limit bytes") if length $text > $limit;
    }
    return $text;
}

sub _parse_xml {
    my ($text, $root) = @_;
    my $doc = eval { XML::LibXML->new(no_network => 1, load_ext_dtd => 0, expand_entities => 0)->load_xml(string => $text) };
    fail(400, 'request body is not well-formed XML') unless $doc;
    my $el = $doc->documentElement;
    fail(400, "request body is not a DAV:$root element") unless ($el->namespaceURI // '') eq 'DAV:' && $el->localname eq $root;
    return $el;
}

sub _dav_children { my ($el, $name) = @_; return grep { $_->nodeType == 1 && ($_->namespaceURI // '') eq 'DAV:' && (!defined $name || $_->localname eq $name) } $el->childNodes }

sub handle {
    my ($req, $user) = @_;
    my $m = $req->{method};
    # a fragment names part of a representation, never another resource: refuse rather than act on the rest
    fail(400, 'the request URI has a fragment (#…)') if defined $req->{uri}->fragment;
    my $path = path_of_url($req->{uri}->path);
    my $code = __PACKAGE__->can("do_$m") or do {
        respond($req, 405, [ Allow => _allow() ], ''); return;
    };
    my $ok = eval { lock_gate($req, $user, $path); $code->($req, $user, $path); 1 };
    return if $ok;
    my $e = $@;
    die $e unless ref $e eq 'HASH' && ($e->{status} // 0) == 423 && !$req->{responded};
    _locked($req, $e);
}

sub _allow { return 'OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, MKCOL, COPY, MOVE, LOCK, UNLOCK' }

sub do_OPTIONS {
    my ($req) = @_;
    respond($req, 200, [ DAV => '1, 2', Allow => _allow(), 'MS-Author-Via' => 'DAV' ], '');
}

# 423 with the precondition RFC 4918 names: the lock whose token was not submitted, or the conflicting lock
sub _locked {
    my ($req, $e) = @_;
    my $cond = $e->{conflict} ? 'no-conflicting-lock' : 'lock-token-submitted';
    my $href = defined $e->{lock_root} ? '<D:href>' . _xml_escape(href($e->{lock_root}, 'file')) . '</D:href>' : '';
    respond($req, 423, [ 'Content-Type' => 'application/xml; charset=utf-8' ],
        encode('UTF-8', qq{<?xml version="1.0" encoding="utf-8"?>\n<D:error xmlns:D="DAV:"><D:$cond>$href</D:$cond></D:error>\n}));
}

# What each method changes, for the lock check: [path, how] (see Locks::require_tokens)
sub _lock_targets {
    my ($req, $user, $path) = @_;
    my $m = $req->{method};
    my $exists = sub { defined get_entry($user->{id}, $_[0]) };
    my $member = sub { my ($p) = @_; my $par = parent_of($p); return defined $par ? ([ $par, 'member' ]) : () };
    return ([ $path, 'self' ], $exists->($path) ? () : $member->($path)) if $m eq 'PUT';
    return ([ $path, 'tree' ], $member->($path)) if $m eq 'DELETE';
    return ([ $path, 'self' ]) if $m eq 'PROPPATCH';
    return ([ $path, 'self' ], $member->($path)) if $m eq 'MKCOL';
    return ($exists->($path) ? () : $member->($path)) if $m eq 'LOCK';
    if ($m eq 'COPY' || $m eq 'MOVE') {
        my $dest = _dest_path($req);
        my @t = ([ $dest, 'tree' ], $member->($dest));
        push @t, [ $path, 'tree' ], $member->($path) if $m eq 'MOVE';
        return @t;
    }
    return ();
}

# Every request's If header must hold (412); a request that changes something must submit the token of
# each lock protecting what it changes (423). The locks and submitted tokens stay on $req for LOCK/UNLOCK.
sub lock_gate {
    my ($req, $user, $path) = @_;
    my @if = $req->{headers}->header('If');
    my $ifh = join ' ', grep { defined } @if;
    my @targets = _lock_targets($req, $user, $path);
    return unless $ifh =~ /\S/ || @targets || $req->{method} =~ /^(?:LOCK|UNLOCK)$/;
    my @locks = active_locks($user->{id});
    my $lists = $ifh =~ /\S/ ? parse_if($ifh, $path) : undef;
    if ($lists) {
        my $etag_of = sub { my $e = get_entry($user->{id}, $_[0]); return $e ? _etag($e) // '"dir"' : undef };
        fail(412, 'the If header does not hold: no list of its conditions is true') unless if_holds($lists, \@locks, $etag_of);
    }
    $req->{locks} = \@locks;
    $req->{submitted} = submitted_tokens($lists);
    require_tokens(\@locks, $req->{submitted}, \@targets);
}

sub _dest_path {
    my ($req) = @_;
    my $dest = $req->{headers}->header('Destination') // fail(400, 'Destination header is missing');
    my $dpath = eval { path_of_url(URI->new($dest)->path) };
    fail(502, "Destination $dest is not on this server's $PREFIX/") unless defined $dpath;
    return $dpath;
}

sub _entry_or_404 { my ($user, $path) = @_; return get_entry($user->{id}, $path) // fail(404, "$path does not exist") }

sub do_GET {
    my ($req, $user, $path) = @_;
    my $e = _entry_or_404($user, $path);
    if ($e->{kind} eq 'dir') {
        my $title = _xml_escape($path);
        my $list = join '', map { my $n = (split m{/}, $_->{path})[-1]; sprintf qq{<li><a href="%s">%s</a></li>\n}, href($_->{path}, $_->{kind}), _xml_escape($n . ($_->{kind} eq 'dir' ? '/' : '')) } list_dir($user->{id}, $path);
        respond($req, 200, [ 'Content-Type' => 'text/html; charset=utf-8' ], encode('UTF-8', "<!DOCTYPE html>\n<title>$title</title>\n<h1>$title</h1>\n<ul>\n$list</ul>\n"));
        return;
    }
    my @h = (ETag => _etag($e), 'Last-Modified' => http_date($e->{mtime}), 'Content-Type' => _type($path), 'Accept-Ranges' => 'bytes');
    my $inm = $req->{headers}->header('If-None-Match');
    if (defined $inm && ($inm eq '*' || index($inm, _etag($e)) >= 0)) { respond($req, 304, [ ETag => _etag($e) ], ''); return }
    my $size = $e->{size};
    my $range = $req->{headers}->header('Range');
    my ($status, $from, $to) = (200, 0, $size - 1);
    if (defined $range && $range =~ /^bytes=(\d*)-(\d*)$/ && ($1 ne '' || $2 ne '')) {
        ($from, $to) = $1 eq '' ? ($size - $2, $size - 1) : ($1, $2 eq '' || $2 >= $size ? $size - 1 : $2);
        $from = 0 if $from < 0;
        if ($from >= $size || $from > $to) { respond($req, 416, [ 'Content-Range' => "bytes */$size" ], ''); return }
        ($status, @h) = (206, @h, 'Content-Range' => "bytes $from-$to/$size");
    }
    # HEAD reads no content; a GET's content is checked as it is sent (Read.pm), and a failure to find a good copy
    # anywhere comes before the head (503)
    if ($req->{method} eq 'HEAD') { respond($req, $status, [ @h, 'Content-Length' => $to - $from + 1 ], ''); return }
    my $r = Racklab::File::Read->open($e->{sha1}, $size);
    my $len = $to - $from + 1;
    respond($req, $status, \@h, { length => $len, emit => sub { $r->send($from, $len, $_[0]) } });
    $r->close;
}

sub do_HEAD { return do_GET(@_) }

sub _check_conditions {
    my ($req, $e) = @_;
    my $h = $req->{headers};
    my $etag = $e ? _etag($e) // '"dir"' : undef;
    if (defined(my $im = $h->header('If-Match'))) {
        fail(412, 'If-Match: the resource does not exist') unless $e;
        fail(412, 'If-Match: the ETag does not match') unless $im eq '*' || index($im, $etag) >= 0;
    }
    if (defined(my $inm = $h->header('If-None-Match'))) {
        fail(412, 'If-None-Match: the resource exists') if $e && ($inm eq '*' || index($inm, $etag) >= 0);
    }
}

sub do_PUT {
    my ($req, $user, $path) = @_;
    my $h = $req->{headers};
    fail(411, 'PUT needs a Content-Length (or chunked transfer encoding)') unless $req->{has_body} || defined $req->{declared};
    fail(400, 'PUT with Content-Range is not supported: send the whole file') if defined $h->header('Content-Range');
    my $e = get_entry($user->{id}, $path);
    fail(405, "$path is a collection") if $e && $e->{kind} eq 'dir';
    _check_conditions($req, $e);
    my $parent = get_entry($user->{id}, parent_of($path) // '/');
    fail(409, 'the parent collection does not exist') unless $parent && $parent->{kind} eq 'dir';
    if (defined $req->{declared}) {
        my $used = usage($user->{id}) - ($e ? $e->{size} : 0);
        fail(507, "quota exceeded: $req->{declared} bytes do not fit in the " . ($user->{quota} - $used) . ' left') if $used + $req->{declared} > $user->{quota};
    }
    my $up = receive_upload($req->{read}, $req->{declared});
    my $sha1 = put_blob($up);
    my $r = put_file($user->{id}, $path, $sha1, $up->{size}, $user->{quota});
    respond($req, $r eq 'created' ? 201 : 204, [ ETag => qq{"$sha1"} ], '');
}

sub do_DELETE {
    my ($req, $user, $path) = @_;
    my $e = _entry_or_404($user, $path);
    my $depth = $req->{headers}->header('Depth');
    fail(400, "DELETE of a collection takes Depth: infinity (got '$depth')") if $e->{kind} eq 'dir' && defined $depth && lc $depth ne 'infinity';
    _check_conditions($req, $e);
    delete_tree($user->{id}, $path);
    drop_locks_under($user->{id}, $path);
    respond($req, 204, [], '');
}

sub do_MKCOL {
    my ($req, $user, $path) = @_;
    fail(415, 'MKCOL with a body is not supported') if $req->{has_body};
    make_dir($user->{id}, $path);
    respond($req, 201, [], '');
}

sub _copy_move {
    my ($req, $user, $path, $move) = @_;
    my $h = $req->{headers};
    my $dpath = _dest_path($req);
    my $ow = uc($h->header('Overwrite') // 'T');
    fail(400, "Overwrite must be T or F (got '$ow')") unless $ow eq 'T' || $ow eq 'F';
    my $depth = lc($h->header('Depth') // 'infinity');
    fail(400, "Depth must be 0 or infinity (got '$depth')") unless $depth eq '0' || $depth eq 'infinity';
    fail(400, 'MOVE of a collection takes Depth: infinity') if $move && $depth ne 'infinity';
    my $r = copy_tree($user->{id}, $path, $dpath, { deep => $depth eq 'infinity', overwrite => $ow eq 'T', move => $move, quota => $user->{quota} });
    # locks stay where they were taken: a moved resource leaves its locks behind (they end), a copy gets none
    drop_locks_under($user->{id}, $path) if $move;
    respond($req, $r eq 'created' ? 201 : 204, [], '');
}

sub do_COPY { my ($req, $user, $path) = @_; _copy_move($req, $user, $path, 0) }
sub do_MOVE { my ($req, $user, $path) = @_; _copy_move($req, $user, $path, 1) }

# the locks of the user whose tree a PROPFIND walks (lockdiscovery reads them for every entry)
our $PROPFIND_LOCKS = [];

# live properties: name → sub(entry) returning inner XML, or undef when it does not apply
my %LIVE = (
    resourcetype     => sub { $_[0]{kind} eq 'dir' ? '<D:collection/>' : '' },
    getcontentlength => sub { $_[0]{kind} eq 'file' ? $_[0]{size} : undef },
    getlastmodified  => sub { http_date($_[0]{mtime}) },
    creationdate     => sub { strftime('%Y-%m-%dT%H:%M:%SZ', gmtime($_[0]{created})) },
    getetag          => sub { $_[0]{kind} eq 'file' ? _xml_escape(qq{"$_[0]{sha1}"}) : undef },
    getcontenttype   => sub { $_[0]{kind} eq 'file' ? _type($_[0]{path}) : undef },
    supportedlock    => sub { join '', map { "<D:lockentry><D:lockscope><D:$_/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockentry>" } qw(exclusive shared) },
    lockdiscovery    => sub { my ($e) = @_; join '', map { _activelock($_) } grep { covers($_, $e->{path}) } @$PROPFIND_LOCKS },
);

sub _activelock {
    my ($l) = @_;
    my $left = $l->{left_s} > 0 ? int $l->{left_s} : 0;
    return "<D:activelock><D:locktype><D:write/></D:locktype><D:lockscope><D:$l->{scope}/></D:lockscope><D:depth>"
      . ($l->{depth} eq 'infinity' ? 'infinity' : '0') . '</D:depth>'
      . (defined $l->{owner} ? "<D:owner>$l->{owner}</D:owner>" : '')
      . "<D:timeout>Second-$left</D:timeout><D:locktoken><D:href>" . _xml_escape($l->{token}) . '</D:href></D:locktoken>'
      . '<D:lockroot><D:href>' . _xml_escape(href($l->{path}, 'file')) . '</D:href></D:lockroot></D:activelock>';
}

sub _lockdiscovery_body {
    my (@locks) = @_;
    return encode('UTF-8', qq{<?xml version="1.0" encoding="utf-8"?>\n<D:prop xmlns:D="DAV:"><D:lockdiscovery>} . join('', map { _activelock($_) } @locks) . "</D:lockdiscovery></D:prop>\n");
}

# Timeout: "Second-N" or "Infinite", a list in order of preference; granted at most MAX_TIMEOUT
sub _timeout {
    my ($h) = @_;
    return 3600 unless defined $h && $h =~ /\S/;
    for my $t (split /\s*,\s*/, $h) {
        return MAX_TIMEOUT if $t =~ /^Infinite$/i;
        return $1 > MAX_TIMEOUT ? MAX_TIMEOUT : $1 < 1 ? 1 : $1 + 0 if $t =~ /^Second-(\d{1,12})$/i;
    }
    fail(400, "Timeout '$h' is neither Second-N nor Infinite");
}

sub do_LOCK {
    my ($req, $user, $path) = @_;
    my $timeout = _timeout($req->{headers}->header('Timeout'));
    my $text = _body_text($req, 1 << 16);
    if ($text !~ /\S/) {
        # a refresh: the If header names the lock(s) by token
        my @l = refresh_locks($user->{id}, $path, $req->{submitted}, $timeout);
        fail(412, 'a LOCK without a body refreshes a lock: submit the token of a lock on this resource in an If header') unless @l;
        respond($req, 200, [ 'Content-Type' => 'application/xml; charset=utf-8' ], _lockdiscovery_body(@l));
        return;
    }
    my $info = _parse_xml($text, 'lockinfo');
    my ($scope_el) = _dav_children($info, 'lockscope');
    my ($type_el) = _dav_children($info, 'locktype');
    my ($owner_el) = _dav_children($info, 'owner');
    my ($scope) = map { $_->localname } _dav_children($scope_el // fail(400, 'lockinfo has no lockscope'));
    fail(400, 'lockscope must be exclusive or shared') unless defined $scope && $scope =~ /^(?:exclusive|shared)$/;
    my ($type) = map { $_->localname } _dav_children($type_el // fail(400, 'lockinfo has no locktype'));
    fail(422, 'only write locks exist (locktype write)') unless defined $type && $type eq 'write';
    my $owner = $owner_el ? join('', map { $_->nodeType == 1 ? _standalone($_) : _xml_escape($_->textContent) } $owner_el->childNodes) : undef;
    fail(400, 'owner longer than 4096 characters') if defined $owner && length $owner > 4096;
    my $depth = lc($req->{headers}->header('Depth') // 'infinity');
    fail(400, "LOCK takes Depth 0 or infinity (got '$depth')") unless $depth eq '0' || $depth eq 'infinity';
    my $want = { token => new_token(), path => $path, depth => $depth, scope => $scope, owner => $owner, timeout => $timeout };
    fail(403, 'the root folder cannot be locked') if $path eq '/';
    if (my $o = conflicting_lock($req->{locks}, $want)) {
        die { status => 423, message => "$o->{path} holds a conflicting $o->{scope} lock", conflict => 1, lock_root => $o->{path} };
    }
    my $created = 0;
    if (!get_entry($user->{id}, $path)) {
        # RFC 4918 7.3: a LOCK on an unmapped URL makes an empty resource, which stays after UNLOCK
        my $parent = get_entry($user->{id}, parent_of($path));
        fail(409, 'the parent collection does not exist') unless $parent && $parent->{kind} eq 'dir';
        my $up = spool(sub { '' }, 0);
        put_file($user->{id}, $path, put_blob($up), 0, $user->{quota});
        $created = 1;
    }
    my $l = create_lock($user->{id}, $want);
    respond($req, $created ? 201 : 200, [ 'Lock-Token' => "<$l->{token}>", 'Content-Type' => 'application/xml; charset=utf-8' ], _lockdiscovery_body($l));
}

sub do_UNLOCK {
    my ($req, $user, $path) = @_;
    my $h = $req->{headers}->header('Lock-Token') // fail(400, 'UNLOCK needs a Lock-Token header');
    my ($token) = $h =~ /^\s*<([^>]+)>\s*$/ or fail(400, "Lock-Token '$h' is not <token>");
    if (!remove_lock($user->{id}, $path, $token)) {
        respond($req, 409, [ 'Content-Type' => 'application/xml; charset=utf-8' ],
            qq{<?xml version="1.0" encoding="utf-8"?>\n<D:error xmlns:D="DAV:"><D:lock-token-matches-request-uri/></D:error>\n});
        return;
    }
    respond($req, 204, [], '');
}

sub _empty_el {
    my ($ns, $name) = @_;
    return "<D:$name/>" if $ns eq 'DAV:';
    return qq{<$name xmlns=""/>} if $ns eq '';
    return sprintf '<R:%s xmlns:R="%s"/>', $name, _xml_escape($ns);
}

sub _propstat {
    my ($status, @props) = @_;
    return '' unless @props;
    return '<D:propstat><D:prop>' . join('', @props) . "</D:prop><D:status>HTTP/1.1 $status</D:status></D:propstat>";
}

# one <D:response> for an entry; $want: 'all', 'names', or [[ns, name]…]
sub _response {
    my ($e, $want) = @_;
    my %dead = map { ("$_->{ns}\0$_->{name}" => $_->{xml}) } props_of($e->{id});
    my (@ok, @missing);
    if (!ref $want) {
        for my $name (sort keys %LIVE) {
            my $v = $LIVE{$name}->($e);
            next unless defined $v;
            push @ok, $want eq 'names' ? "<D:$name/>" : ($v eq '' ? "<D:$name/>" : "<D:$name>$v</D:$name>");
        }
        for my $k (sort keys %dead) { my ($ns, $n) = split /\0/, $k, 2; push @ok, $want eq 'names' ? _empty_el($ns, $n) : $dead{$k} }
    } else {
        for my $p (@$want) {
            my ($ns, $name) = @$p;
            my $v = $ns eq 'DAV:' && $LIVE{$name} ? $LIVE{$name}->($e) : undef;
            if (defined $v) { push @ok, $v eq '' ? "<D:$name/>" : "<D:$name>$v</D:$name>" }
            elsif (defined $dead{"$ns\0$name"}) { push @ok, $dead{"$ns\0$name"} }
            else { push @missing, _empty_el($ns, $name) }
        }
    }
    return '<D:response><D:href>' . _xml_escape(href($e->{path}, $e->{kind})) . '</D:href>'
      . _propstat('200 OK', @ok) . _propstat('404 Not Found', @missing) . "</D:response>\n";
}

sub _multistatus {
    my ($req, @responses) = @_;
    my $xml = qq{<?xml version="1.0" encoding="utf-8"?>\n<D:multistatus xmlns:D="DAV:">\n} . join('', @responses) . "</D:multistatus>\n";
    respond($req, 207, [ 'Content-Type' => 'application/xml; charset=utf-8' ], encode('UTF-8', $xml));
}

sub do_PROPFIND {
    my ($req, $user, $path) = @_;
    my $depth = lc($req->{headers}->header('Depth') // 'infinity');
    if ($depth ne '0' && $depth ne '1') {
        fail(400, "Depth must be 0, 1 or infinity (got '$depth')") unless $depth eq 'infinity';
        respond($req, 403, [ 'Content-Type' => 'application/xml; charset=utf-8' ],
            qq{<?xml version="1.0" encoding="utf-8"?>\n<D:error xmlns:D="DAV:"><D:propfind-finite-depth/></D:error>\n});
        return;
    }
    my $text = _body_text($req, 1 << 20);
    my $want = 'all';
    if ($text =~ /\S/) {
        my $root = _parse_xml($text, 'propfind');
        my ($kind) = _dav_children($root);
        fail(400, 'propfind needs prop, allprop or propname') unless $kind && $kind->localname =~ /^(?:prop|allprop|propname)$/;
        $want = $kind->localname eq 'allprop' ? 'all' : $kind->localname eq 'propname' ? 'names'
          : [ map { [ $_->namespaceURI // '', $_->localname ] } grep { $_->nodeType == 1 } $kind->childNodes ];
    }
    my $e = _entry_or_404($user, $path);
    local $PROPFIND_LOCKS = [ active_locks($user->{id}) ];
    my @r = (_response($e, $want));
    push @r, map { _response($_, $want) } list_dir($user->{id}, $path) if $depth eq '1' && $e->{kind} eq 'dir';
    _multistatus($req, @r);
}

# the property element alone, its namespaces declared on itself (so it can be replayed anywhere)
sub _standalone {
    my ($el) = @_;
    my $doc = XML::LibXML::Document->new('1.0', 'UTF-8');
    $doc->setDocumentElement($doc->importNode($el, 1));
    my $s = $doc->documentElement->toString(0);
    return utf8::is_utf8($s) ? $s : decode('UTF-8', $s);
}

sub do_PROPPATCH {
    my ($req, $user, $path) = @_;
    my $text = _body_text($req, 1 << 20);
    fail(400, 'PROPPATCH needs a propertyupdate body') unless $text =~ /\S/;
    my $root = _parse_xml($text, 'propertyupdate');
    my $e = _entry_or_404($user, $path);
    my (@ops, @forbidden);
    for my $action (_dav_children($root)) {
        my $what = $action->localname;
        fail(400, "propertyupdate may hold set and remove, not $what") unless $what eq 'set' || $what eq 'remove';
        for my $prop (_dav_children($action, 'prop')) {
            for my $p (grep { $_->nodeType == 1 } $prop->childNodes) {
                my ($ns, $name) = ($p->namespaceURI // '', $p->localname);
                fail(400, 'property namespace or name longer than 190 characters') if length $ns > 190 || length $name > 190;
                if ($ns eq 'DAV:') { push @forbidden, [ $ns, $name ]; next }
                push @ops, [ $what, $ns, $name, $what eq 'set' ? _standalone($p) : undef ];
            }
        }
    }
    my $resp = '<D:response><D:href>' . _xml_escape(href($e->{path}, $e->{kind})) . '</D:href>';
    if (@forbidden) {
        $resp .= _propstat('403 Forbidden', map { _empty_el(@$_) } @forbidden) . _propstat('424 Failed Dependency', map { _empty_el($_->[1], $_->[2]) } @ops);
    } else {
        set_props($e->{id}, \@ops);
        $resp .= _propstat('200 OK', map { _empty_el($_->[1], $_->[2]) } @ops);
    }
    _multistatus($req, "$resp</D:response>\n");
}

1;
