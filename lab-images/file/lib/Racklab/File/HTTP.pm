package Racklab::File::HTTP;
# The node's HTTP server (HTTP::Daemon for accepting and parsing heads, preforked workers, a connection each with
# keep-alive). Bodies are streamed, never held whole in memory: Content-Length or chunked, and a PUT with
# neither gets 411. Handlers get a request hash and return nothing; they answer through respond().
use strict;
use warnings;
use HTTP::Daemon;
use HTTP::Status qw(status_message);
use Encode ();
use POSIX qw(strftime);
use Racklab::File::DB;
use Racklab::Prefork;
use Exporter qw(import);
our @EXPORT_OK = qw(serve respond http_date);

sub http_date { return strftime('%a, %d %b %Y %H:%M:%S GMT', gmtime($_[0] // time)) }

# the body reader: $req->{read}->($max) → next bytes, '' at the end
sub _reader {
    my ($c, $req) = @_;
    my $buf = $c->read_buffer;
    $c->read_buffer('');
    my $h = $req->{headers};
    # a client that sent "Expect: 100-continue" waits for this before the body (curl: a second, otherwise)
    $req->{expecting} = ($h->header('Expect') // '') =~ /^100-continue$/i && !length $buf;
    my $fill = sub {
        if ($req->{expecting}) { $req->{expecting} = 0; _write($c, "HTTP/1.1 100 Continue\r\n\r\n") }
        # read onto the end of what is buffered (no copy through a second scalar)
        my $n = sysread($c, $buf, 1 << 20, length $buf); die { status => 400, message => 'connection closed mid-body' } unless $n };
    # the first $n bytes of the buffer, removed from it; all of it is handed over without a copy (copy-on-write)
    my $cut = sub { my ($n) = @_; return substr($buf, 0, $n, '') if $n < length $buf; my $all = $buf; $buf = ''; return $all };
    if (($h->header('Transfer-Encoding') // '') =~ /chunked/i) {
        my ($left, $done) = (0, 0);
        $req->{declared} = undef;
        $req->{has_body} = 1;
        return sub {
            my ($max) = @_;
            return '' if $done;
            if ($left == 0) {
                $fill->() until $buf =~ s/^(?:\r\n)?([0-9a-fA-F]+)[^\r\n]*\r\n//;
                $left = hex $1;
                if ($left == 0) {
                    # the trailer (the node stream's X-Racklab-SHA1): header lines up to an empty one
                    $fill->() until $buf =~ s/^((?:[^\r\n]+\r\n)*)\r\n//;
                    $req->{trailers} = { map { /^([^:]+):\s*(.*?)\s*$/ ? (lc $1 => $2) : () } split /\r\n/, $1 };
                    $done = 1;
                    return '';
                }
            }
            $fill->() unless length $buf;
            my $take = $left < $max ? $left : $max;
            $take = length $buf if length $buf < $take;
            $left -= $take;
            return $cut->($take);
        };
    }
    my $len = $h->header('Content-Length');
    if (defined $len) {
        die { status => 400, message => "Content-Length '$len' is not a number" } unless $len =~ /^\d+$/;
        $req->{declared} = $len + 0;
        $req->{has_body} = $len > 0;
        my $left = $len;
        return sub {
            my ($max) = @_;
            return '' if $left <= 0;
            $fill->() unless length $buf;
            my $take = $left < $max ? $left : $max;
            $take = length $buf if length $buf < $take;
            $left -= $take;
            return $cut->($take);
        };
    }
    $req->{declared} = undef;
    $req->{has_body} = 0;
    return sub { '' };
}

# respond($req, $status, [headers…], $body), body {file => path[, offset, length]} or {emit => sub($write, $sock), length}
# (emit calls $write with the bytes, or writes to $sock itself; dying there ends the connection short of its length); HEAD sends the head only
sub respond {
    my ($req, $status, $headers, $body) = @_;
    my $c = $req->{conn};
    my @h = @{ $headers // [] };
    my $file = ref $body eq 'HASH' ? $body->{file} : undef;
    my $emit = ref $body eq 'HASH' ? $body->{emit} : undef;
    my $off = ref $body eq 'HASH' ? $body->{offset} // 0 : 0;
    my $len = $emit ? $body->{length} : defined $file ? (ref $body eq 'HASH' && defined $body->{length} ? $body->{length} : (-s $file) - $off) : length($body // '');
    push @h, 'Content-Length' => $len unless grep { lc($_) eq 'content-length' } @h[ grep { $_ % 2 == 0 } 0 .. $#h ];
    push @h, 'Date' => http_date(), 'Server' => 'racklab-file';
    my $head = "HTTP/1.1 $status " . (status_message($status) // 'Status') . "\r\n";
    for (my $i = 0; $i < @h; $i += 2) { $head .= "$h[$i]: $h[$i+1]\r\n" }
    $head .= "\r\n";
    _write($c, $head);
    $req->{responded} = $status;
    return if $req->{method} eq 'HEAD';
    if ($emit) {
        $emit->(sub { _write($c, $_[0]) });
    } elsif (defined $file) {
        open(my $fh, '<:raw', $file) or return;
        sysseek($fh, $off, 0) if $off;
        my $left = $len;
        while ($left > 0) {
            my $n = sysread($fh, my $chunk, $left < (1 << 20) ? $left : 1 << 20) or last;
            _write($c, $chunk);
            $left -= $n;
        }
    } elsif (length($body // '')) {
        _write($c, $body);
    }
}

# _write($c, $data): $data used through $_[1], not copied (a GET's 1 MiB chunks pass through here)
sub _write {
    my $c = $_[0];
    my $off = 0;
    while ($off < length $_[1]) {
        my $n = syswrite($c, $_[1], length($_[1]) - $off, $off);
        die "client went away\n" unless defined $n;
        $off += $n;
    }
}

# serve(port, handler, companions => [sub…]): accept forever; each connection in a preforked worker
# (Racklab::Prefork), which keeps its database handles from one connection to the next
sub serve {
    my ($port, $handler, %o) = @_;
    my $d = HTTP::Daemon->new(LocalAddr => '0.0.0.0', LocalPort => $port, ReuseAddr => 1, Listen => 64)
      or die "cannot listen on :$port: $!\n";
    # the daemon stays open in the workers: HTTP::Daemon's connection objects ask it for their URL
    Racklab::Prefork::serve(listeners => [$d], spare => 1, max => 48,
        child_init => \&Racklab::File::DB::reset, after_each => \&Racklab::File::DB::end_session,
        child_exit => \&Racklab::File::DB::disconnect_all,
        handle => sub { _connection($_[0], $handler) }, companions => $o{companions} // []);
}

sub _connection {
    my ($c, $handler) = @_;
    $c->timeout(120);
    while (my $r = $c->get_request(1)) {
        my $req = { conn => $c, method => $r->method, uri => $r->uri, headers => $r->headers, proto => $r->protocol };
        my $ok = eval {
            $req->{read} = _reader($c, $req);
            $handler->($req);
            1;
        };
        if (!$ok) {
            my $e = $@;
            my ($status, $msg) = ref $e eq 'HASH' ? ($e->{status}, $e->{message}) : (500, "$e");
            print STDERR "file-http: $req->{method} $req->{uri}: $status $msg\n" if $status >= 500;
            return if $req->{responded};
            eval { respond($req, $status, [ 'Content-Type' => 'text/plain; charset=utf-8', Connection => 'close' ], Encode::encode('UTF-8', "$msg\n")) };
            return;
        }
        # a client still waiting for 100 Continue after a final answer may or may not send its body: close
        return if $req->{expecting};
        # an unread body would be taken for the next request: read it away
        1 while length(eval { $req->{read}->(1 << 20) } // '');
        return if ($r->header('Connection') // '') =~ /close/i || ($req->{proto} // '') eq 'HTTP/1.0';
    }
}

1;
