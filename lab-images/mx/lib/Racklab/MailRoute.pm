package Racklab::MailRoute;
# Where does mail for a lab address go? The user's store and that store's current master slot, read from
# MySQL on every lookup (so promoting a replica is one UPDATE of stores.master_slot). Reads go to the
# writable primary; to a replica only while the primary does not answer, and the next lookup after a short
# back-off looks for the primary again (Racklab::DbClient, lab-images/perl): a replica may be behind.
use strict;
use warnings;
use Racklab::DbClient;

# new(hosts => [ip...], password => '…', domains => ['fastmail.test'], slots => {imap1 => '10.231.0.51'})
sub new {
    my ($class, %o) = @_;
    my $self = bless {%o}, $class;
    $self->{db} = Racklab::DbClient->new(hosts => $o{hosts}, password => $o{password}, client => 'lmtp-proxy', read_timeout => 5);
    return $self;
}

# one query; a handle that died in between is dropped and the query tried once more
sub _row {
    my ($self, $sql, @bind) = @_;
    my $db = $self->{db};
    for my $try (1, 2) {
        my $row = eval { $db->dbh->selectrow_arrayref($sql, undef, @bind) };
        my $err = $@;
        my $server = $db->server;
        $db->done;
        return ($row, $server) unless $err;
        $db->forget;
        die $err if $try == 2;
    }
}

# lookup(address) → { ok => 1, login, detail, store, slot, host } | { ok => 0, code => '550 5.1.1 …' }
sub lookup {
    my ($self, $address) = @_;
    my ($local, $domain) = lc($address) =~ /^([^@\s]+)\@([a-z0-9.-]+)$/
      or return { ok => 0, code => "501 5.1.3 <$address>: bad address syntax" };
    return { ok => 0, code => "550 5.1.2 <$address>: $domain is not a lab domain" }
      unless grep { $_ eq $domain } @{ $self->{domains} };
    my ($login, $detail) = $local =~ /^([a-z][a-z0-9._-]{0,63})(?:\+([A-Za-z0-9._-]{1,64}))?$/
      or return { ok => 0, code => "550 5.1.1 <$address>: no such user here" };
    my ($row, $server) = eval {
        $self->_row('SELECT s.id, s.master_slot FROM users u JOIN stores s ON s.id = u.store WHERE u.login = ?', $login);
    };
    if (my $err = $@) {
        $err =~ s/\s+$//;
        return { ok => 0, code => "451 4.3.0 <$address>: routing database unavailable ($err)" };
    }
    return { ok => 0, code => "550 5.1.1 <$address>: no such user here" } unless $row;
    my ($store, $slot) = @$row;
    return { ok => 1, login => $login, detail => $detail, store => $store, slot => $slot,
             host => $self->{slots}{$slot} // $slot, db => $server };
}

1;
