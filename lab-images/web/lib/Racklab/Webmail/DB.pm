package Racklab::Webmail::DB;
# The webmail's database, one Racklab::DbClient per Apache child (lab-images/perl): the writable primary
# whenever it answers, re-checked on every request after a short back-off; a read-only replica only while
# it does not, and then only for reads: writes (a login's session, the address book) get writable_dbh(),
# which refuses with a Racklab::DbClient::ReadOnly that Handler shows as a clear "read-only" page.
# TaintIn: a tainted value bound to a query is refused, so every input must have passed a validation.
use strict;
use warnings;
use Racklab::DbClient;
use Racklab::Webmail::Config qw(cfg);
use Exporter qw(import);
our @EXPORT_OK = qw(dbh writable_dbh);

my $client;

sub _client {
    $client //= Racklab::DbClient->new(hosts => cfg('db_hosts'), password => cfg('db_password'), client => 'webmail',
        read_timeout => 10, attrs => { TaintIn => 1 });
    return $client;
}

# for reads: the primary, or a replica while the primary does not answer
sub dbh { return _client()->dbh }
# for /health: the same, with 1 s (not 2) for a server out of its back-off: inside the frontends' 2 s check
sub quick_dbh { return _client()->dbh(quick => 1) }
# for writes: the primary, or a Racklab::DbClient::ReadOnly
sub writable_dbh { return _client()->writable_dbh }
# is the handle of this request on the writable primary?
sub writable { _client()->dbh; return _client()->writable }
# the server this request's handle is on (db1, db2, …)
sub server { return _client()->server }
# end of a request: a replica handle is not kept
sub done { $client->done if $client }

1;
