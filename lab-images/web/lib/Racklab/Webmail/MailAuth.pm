package Racklab::Webmail::MailAuth;
# nginx mail proxy auth service (ngx_mail_auth_http): nginx sends the login, password and protocol in
# headers; the answer names the backend. IMAP/POP3 go to the user's current Cyrus master
# (stores.master_slot), submission to an MX. Only a frontend's nginx may ask (shared key header).
use strict;
use warnings;
use Apache2::RequestRec ();
use APR::Table ();
use Apache2::Const -compile => qw(OK);
use Racklab::Webmail::Config qw(cfg);
use Racklab::Webmail::Session qw(check_password same);
use Racklab::Webmail::Mail qw(master_of);
use Exporter qw(import);
our @EXPORT_OK = qw(mail_auth);

my %PORT = (imap => 143, pop3 => 110);

sub _answer {
    my ($r, %h) = @_;
    $r->err_headers_out->set($_ => $h{$_}) for keys %h;
    $r->status(200);
    $r->content_type('text/plain');
    return Apache2::Const::OK;
}

sub _unescape { my ($s) = @_; $s //= ''; $s =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge; return $s }

sub mail_auth {
    my ($r) = @_;
    my $in = $r->headers_in;
    unless (same($in->{'X-Racklab-Auth-Key'} // '', cfg('auth_key'))) {
        $r->status(403);
        return Apache2::Const::OK;
    }
    my $proto = lc($in->{'Auth-Protocol'} // '');
    my $user = _unescape($in->{'Auth-User'});
    my $attempt = ($in->{'Auth-Login-Attempt'} // '1') =~ /^(\d+)$/ ? $1 : 1;
    my $client = ($in->{'Client-IP'} // '') =~ /^([\d.]+)$/ ? $1 : '?';
    my $tempfail = sub {
        my ($why) = @_;
        print STDERR "mailauth: $proto ", ($user =~ s/[^\w.@+-]/?/gr), " from $client: temporary failure: $why";
        return _answer($r, 'Auth-Status' => 'Temporary server problem, try again later', 'Auth-Wait' => 3,
            ($proto eq 'smtp' ? ('Auth-Error-Code' => '451 4.3.0') : ()));
    };
    return $tempfail->("unknown protocol\n") unless $proto =~ /^(?:imap|pop3|smtp)$/;
    my $u = eval { check_password($user, _unescape($in->{'Auth-Pass'})) };
    return $tempfail->($@) if $@;
    unless ($u) {
        print STDERR "mailauth: $proto login refused from $client (attempt $attempt)\n";
        return _answer($r, 'Auth-Status' => 'Invalid login or password', 'Auth-Wait' => ($attempt > 3 ? 5 : 2),
            ($proto eq 'smtp' ? ('Auth-Error-Code' => '535 5.7.8') : ()));
    }
    my ($slot, $ip, $port);
    if ($proto eq 'smtp') {
        my @mx = @{ cfg('mx_hosts') };
        ($slot, $ip, $port) = ('mx', $mx[ int rand @mx ], 25);
    } else {
        ($slot, $ip) = eval { master_of($u->{login}) };
        return $tempfail->($@) unless $ip;
        $port = $PORT{$proto};
    }
    print STDERR "mailauth: $proto $u->{login} from $client -> $slot $ip:$port\n";
    return _answer($r, 'Auth-Status' => 'OK', 'Auth-Server' => $ip, 'Auth-Port' => $port);
}

1;
