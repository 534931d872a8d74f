package Racklab::Webmail::Request;
# Reading a request under mod_perl 2 and writing the answer. Query-string values are NOT tainted by
# mod_perl (measured), the body is: both are treated as hostile, and each handler validates what it uses.
use strict;
use warnings;
use Encode qw(decode encode);
use Apache2::RequestRec ();
use Apache2::RequestIO ();
use Apache2::RequestUtil ();
use Apache2::Connection ();
use APR::Table ();
use Apache2::Const -compile => qw(OK);
use Racklab::Webmail::Config qw(cfg);
use Racklab::Webmail::ClientIp qw(client_ip_from);
use Exporter qw(import);
our @EXPORT_OK = qw(params body_refused cookie client_ip respond redirect);

# The lab's request-body limit, the same as apache2.conf's LimitRequestBody. The app checks the declared
# length BEFORE reading anything, so an oversize form gets the webmail's own 413 page; a body without a
# length (chunked) is refused too, so the app never reads past what it checked. Apache's limit is a backstop.
our $MAX_BODY = 10 * 1024 * 1024;

sub _decode_form {
    my ($s, $into) = @_;
    for my $pair (split /[&;]/, $s // '') {
        next unless length $pair;
        my ($k, $v) = split /=/, $pair, 2;
        for ($k, $v) { $_ //= ''; tr/+/ /; s/%([0-9A-Fa-f]{2})/chr hex $1/ge; $_ = decode('UTF-8', $_) }
        $into->{$k} = $v unless exists $into->{$k};
    }
}

# multipart/form-data (RFC 7578), for the Files page's upload: text fields decode as UTF-8 into $into like a
# form's; a file field becomes {filename, bytes} (raw bytes, the name decoded). Malformed parts are skipped.
sub _decode_multipart {
    my ($body, $boundary, $into) = @_;
    my @parts = split /(?:^|\r\n)--\Q$boundary\E(?:--)?[ \t]*(?:\r\n|$)/, $body;
    for my $part (@parts) {
        my ($head, $data) = split /\r\n\r\n/, $part, 2;
        next unless defined $data && $head =~ /^Content-Disposition:\s*form-data\s*;(.*)$/mi;
        my $disp = $1;
        my ($name) = $disp =~ /\bname="([^"]*)"/ or next;
        next if exists $into->{$name};
        if ($disp =~ /\bfilename="([^"]*)"/) {
            $into->{$name} = { filename => decode('UTF-8', $1), bytes => $data };
        } else {
            $into->{$name} = decode('UTF-8', $data);
        }
    }
}

# body_refused(r) → () when the body may be read, else (411) for a body without a length or (413) for one
# over $MAX_BODY
sub body_refused {
    my ($r) = @_;
    my $len = $r->headers_in->{'Content-Length'};
    return (411) if !defined $len && defined $r->headers_in->{'Transfer-Encoding'};
    return () if ($len // 0) =~ /^\d{1,15}$/ && ($len // 0) <= $MAX_BODY;
    return (413);
}

# params(r) → {query values, then body values (a POST's body wins over its URL)}
sub params {
    my ($r) = @_;
    my (%q, %b);
    _decode_form(scalar $r->args, \%q);
    if ($r->method eq 'POST') {
        my $len = $r->headers_in->{'Content-Length'} // 0;
        die "request body refused\n" if body_refused($r);    # route() answers 411/413 before this
        my $body = '';
        while (length $body < $len) { my $n = $r->read(my $buf, $len - length $body); last unless $n; $body .= $buf }
        my $type = $r->headers_in->{'Content-Type'} // '';
        _decode_form($body, \%b) if $type =~ m{^application/x-www-form-urlencoded}i;
        _decode_multipart($body, $1 // $2, \%b) if $type =~ m{^multipart/form-data;.*\bboundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))}i;
    }
    return { %q, %b };
}

sub cookie {
    my ($r, $name) = @_;
    for (split /;\s*/, $r->headers_in->{Cookie} // '') { my ($k, $v) = split /=/, $_, 2; return $v if $k eq $name }
    return undef;
}

# the address the frontend saw, never one the client wrote into X-Forwarded-For (ClientIp.pm)
sub client_ip {
    my ($r) = @_;
    return client_ip_from($r->headers_in->{'X-Forwarded-For'}, $r->connection->client_ip);
}

sub _common {
    my ($r) = @_;
    my $h = $r->err_headers_out;
    $h->set('X-Racklab-Backend' => cfg('server'));
    $h->set('Cache-Control' => 'no-store');
    $h->set('X-Frame-Options' => 'DENY');
    $h->set('X-Content-Type-Options' => 'nosniff');
    $h->set('Referrer-Policy' => 'no-referrer');
    $h->set('Content-Security-Policy' => "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
}

# respond(r, status, html, {cookies => [...]})
sub respond {
    my ($r, $status, $html, $o) = @_;
    _common($r);
    $r->err_headers_out->add('Set-Cookie' => $_) for @{ $o->{cookies} // [] };
    $r->status($status);
    $r->content_type($o->{type} // 'text/html; charset=utf-8');
    $r->print(encode('UTF-8', $html));
    return Apache2::Const::OK;
}

sub redirect {
    my ($r, $to, $o) = @_;
    _common($r);
    $r->err_headers_out->add('Set-Cookie' => $_) for @{ $o->{cookies} // [] };
    $r->err_headers_out->set($_ => $o->{headers}{$_}) for sort keys %{ $o->{headers} // {} };
    $r->err_headers_out->set(Location => $to);
    $r->status(303);
    $r->content_type('text/html; charset=utf-8');
    $r->print(qq{<a href="$to">continue</a>\n});
    return Apache2::Const::OK;
}

1;
