package Racklab::File::Config;
# The file node's settings, read once from the environment the role module (main/engine/roles/file.ts) sets.
# A missing or malformed variable dies with its name, so the entrypoint can refuse to start.
use strict;
use warnings;
use Exporter qw(import);
our @EXPORT_OK = qw(cfg nodes);

my %cfg;

sub _need {
    my ($name, $re) = @_;
    my $v = $ENV{$name};
    die "$name is required\n" unless defined $v && length $v;
    die "$name is malformed (got '$v')\n" unless $v =~ /^($re)$/;
    return $1;
}

sub load {
    return \%cfg if %cfg;
    my $ip = qr/\d{1,3}(?:\.\d{1,3}){3}/;
    $cfg{server}      = _need('SERVER', qr/[a-z][a-z0-9-]*/);
    $cfg{db_hosts}    = [ split /,/, _need('DB_HOSTS', qr/$ip(?:,$ip)*/) ];
    $cfg{db_password} = _need('DB_PASSWORD', qr/[\x21-\x7e]+/);
    $cfg{node_key}    = _need('NODE_KEY', qr/[0-9a-f]{16,}/);
    # the webmail's key for /api/ on behalf of a logged-in user (optional: without it only passwords work)
    $cfg{web_key}     = length($ENV{WEB_KEY} // '') ? _need('WEB_KEY', qr/[0-9a-f]{16,}/) : undef;
    $cfg{copies}      = _need('FILE_COPIES', qr/[1-9]/) + 0;
    $cfg{capacity}    = _need('FILE_CAPACITY_MB', qr/\d+/) * 1024 * 1024;
    $cfg{clock_speed} = _need('CLOCK_SPEED', qr/\d+(?:\.\d+)?/);
    $cfg{blob_dir}    = $ENV{BLOB_DIR} // '/srv/blobs';
    $cfg{ftp_public_ip} = $ENV{FTP_PUBLIC_IP} // '127.0.0.1';
    my $pasv = _need('FTP_PASV_PORTS', qr/\d+-\d+/);
    @cfg{qw(pasv_lo pasv_hi)} = split /-/, $pasv;
    # FILE_NODES: "file1=10.231.0.61@nyi-1,file2=10.231.0.62@nyi-2": every node, its address and rack
    my @nodes;
    for (split /,/, _need('FILE_NODES', qr/[a-z0-9=.,@-]+/)) {
        my ($id, $addr, $rack) = /^([a-z][a-z0-9-]*)=($ip)\@([a-z][a-z0-9-]*)$/
          or die "FILE_NODES entry '$_' is not id=ip\@rack\n";
        push @nodes, { id => $id, ip => $addr, rack => $rack };
    }
    die "FILE_NODES does not list this server ($cfg{server})\n" unless grep { $_->{id} eq $cfg{server} } @nodes;
    $cfg{nodes} = \@nodes;
    return \%cfg;
}

sub cfg { my ($k) = @_; load(); die "no setting $k\n" unless exists $cfg{$k}; return $cfg{$k} }

sub nodes { load(); return @{ $cfg{nodes} } }

1;
