package Racklab::Webmail::Config;
# The webmail's settings, read once per Apache child from the environment (Apache's PerlPassEnv).
# %ENV is tainted under -T: every value is checked against what it must look like and untainted by the
# capture, so a bad setting fails loudly at start instead of flowing into a socket or a query.
use strict;
use warnings;
use Exporter qw(import);
our @EXPORT_OK = qw(cfg);

my $IP = qr/\d{1,3}(?:\.\d{1,3}){3}/;
my %C;

sub _need {
    my ($name, $re) = @_;
    my $v = $ENV{$name} // '';
    my ($ok) = $v =~ /^($re)$/ or die "webmail: $name is missing or malformed\n";
    return $ok;
}

sub load {
    return \%C if %C;
    my %c;
    $c{server}         = _need('SERVER', qr/[a-z][a-z0-9-]{0,63}/);
    $c{domain}         = _need('LAB_DOMAIN', qr/[a-z0-9-]+(?:\.[a-z0-9-]+)+/);
    $c{db_hosts}       = [ split /,/, _need('DB_HOSTS', qr/$IP(?:,$IP)*/) ];
    $c{db_password}    = _need('DB_PASSWORD', qr/[^\s]{1,200}/);
    $c{cyrus_password} = _need('CYRUS_PASSWORD', qr/[^\s]{1,200}/);
    $c{auth_key}       = _need('AUTH_KEY', qr/[A-Za-z0-9]{16,}/);
    $c{mx_hosts}       = [ split /,/, _need('MX_HOSTS', qr/$IP(?:,$IP)*/) ];
    # the Files page's storage API (a lab without file nodes has none: the page says so)
    $c{file_hosts}     = [ length($ENV{FILE_HOSTS} // '') ? split(/,/, _need('FILE_HOSTS', qr/$IP(?:,$IP)*/)) : () ];
    $c{file_key}       = _need('FILE_KEY', qr/[0-9a-f]{16,}/);
    $c{imap_hosts}     = { map { split /=/, $_, 2 } split /,/, _need('IMAP_HOSTS', qr/[a-z][a-z0-9-]*=$IP(?:,[a-z][a-z0-9-]*=$IP)*/) };
    %C = %c;
    return \%C;
}

sub cfg { my ($k) = @_; load(); return $C{$k} }

1;
