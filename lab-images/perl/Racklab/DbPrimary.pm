package Racklab::DbPrimary;
# Which database is the primary now. The engine writes its address to /run/racklab/db-primary in every
# client (webmail, MX) when it promotes a replica or fails back; the env's DB_HOSTS order (primary first)
# is only the lab's starting point. Clients order their hosts with this on each connect, and drop a cached
# handle when the pointer changes, so after a promote or fail-back writes go to the new primary.
# With no pointer file, DB_HOSTS order is used as given.
use strict;
use warnings;
use Exporter qw(import);
our @EXPORT_OK = qw(ordered_hosts primary_stamp);

our $FILE = '/run/racklab/db-primary';
my $IP = qr/\d{1,3}(?:\.\d{1,3}){3}/;

# the pointer's address (untainted), or undef when there is none or it is malformed
sub _primary {
    open my $fh, '<', $FILE or return undef;
    my $line = <$fh> // '';
    close $fh;
    my ($ip) = $line =~ /^\s*($IP)\s*$/;
    return $ip;
}

# the hosts with the current primary first (it is added when DB_HOSTS did not list it)
sub ordered_hosts {
    my @hosts = @_;
    my $p = _primary() // return @hosts;
    return ($p, grep { $_ ne $p } @hosts);
}

# what a client compares to know the pointer moved: the primary's address, '' without a pointer
sub primary_stamp { return _primary() // '' }

1;
