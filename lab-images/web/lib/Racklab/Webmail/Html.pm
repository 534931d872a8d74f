package Racklab::Webmail::Html;
# Escaping, the HTML-mail sanitiser and the page frame. Every value that reaches a page goes through
# esc() unless it is the sanitiser's output; the pages carry a CSP that allows no script at all.
use strict;
use warnings;
use HTML::Parser ();
use Exporter qw(import);
our @EXPORT_OK = qw(esc url_esc sanitize_html page);

sub esc {
    my ($s) = @_;
    $s //= '';
    $s =~ s/&/&amp;/g; $s =~ s/</&lt;/g; $s =~ s/>/&gt;/g; $s =~ s/"/&quot;/g; $s =~ s/'/&#39;/g;
    return $s;
}

sub url_esc {
    my ($s) = @_;
    utf8::encode($s) if utf8::is_utf8($s);
    $s =~ s/([^A-Za-z0-9._~-])/sprintf '%%%02X', ord $1/ge;
    return $s;
}

# Tags kept (without attributes, except a safe href); script/style/… are dropped with their contents.
my %KEEP = map { $_ => 1 } qw(a b i u em strong p br div span ul ol li blockquote pre code hr h1 h2 h3 h4 table thead tbody tr td th font center small big);
my %DROP = map { $_ => 1 } qw(script style iframe object embed applet noscript template svg math head title frame frameset form);
my %VOID = map { $_ => 1 } qw(br hr);

sub sanitize_html {
    my ($html) = @_;
    my ($out, $skip, @open) = ('', 0);
    my $p = HTML::Parser->new(
        api_version => 3,
        start_h => [ sub {
            my ($tag, $attr) = @_;
            if ($DROP{$tag}) { $skip++ unless $VOID{$tag}; return }
            return if $skip || !$KEEP{$tag};
            if ($tag eq 'a') {
                my $href = $attr->{href} // '';
                $out .= $href =~ m{^(?:https?://|mailto:)[^\s"'<>]+$}i
                  ? '<a href="' . esc($href) . '" rel="noopener noreferrer nofollow" target="_blank">' : '<a>';
            } else { $out .= "<$tag>" }
            push @open, $tag unless $VOID{$tag};
        }, 'tagname, attr' ],
        end_h => [ sub {
            my ($tag) = @_;
            if ($DROP{$tag}) { $skip-- if $skip; return }
            return if $skip || !$KEEP{$tag} || $VOID{$tag};
            for my $i (reverse 0 .. $#open) {
                next unless $open[$i] eq $tag;
                $out .= "</$_>" for reverse splice @open, $i;
                last;
            }
        }, 'tagname' ],
        text_h => [ sub { $out .= esc($_[0]) unless $skip }, 'dtext' ],
    );
    $p->empty_element_tags(1);
    $p->parse($html // '');
    $p->eof;
    $out .= "</$_>" for reverse @open;
    return $out;
}

my $STYLE = <<'CSS';
body{font:13px Verdana,Arial,sans-serif;margin:0;background:#fff;color:#000}
#top{background:#2a4f8f;color:#fff;padding:6px 10px;border-bottom:3px solid #f5a623}
#top b{font:bold 18px Georgia,serif}#top a{color:#fff}#top .who{float:right;margin-top:3px}
#nav{background:#e6ecf5;padding:5px 10px;border-bottom:1px solid #9ab}#nav a{margin-right:14px}
#main{padding:10px}table.list{border-collapse:collapse;width:100%}
table.list th{background:#d5deeb;text-align:left;padding:3px 6px;border-bottom:1px solid #9ab}
table.list td{padding:3px 6px;border-bottom:1px solid #e3e8ef}tr.unseen td{font-weight:bold}
.msg{border:1px solid #9ab;padding:8px;background:#fbfcfe}.msg pre{white-space:pre-wrap;font:13px monospace}
.hdr td{padding:1px 8px 1px 0}.err{background:#fdd;border:1px solid #c66;padding:6px;margin-bottom:8px}
.ok{background:#dfd;border:1px solid #6a6;padding:6px;margin-bottom:8px}
form.inline{display:inline}input[type=text],input[type=password],textarea{font:13px monospace}
#foot{color:#777;font-size:11px;padding:10px;border-top:1px solid #ddd}
CSS

# page(title, body html, {user, nav html, backend}) → whole document
sub page {
    my ($title, $body, $o) = @_;
    $o //= {};
    my $who = $o->{user} ? '<span class="who">' . esc($o->{user}) . '</span>' : '';
    my $nav = $o->{nav} ? qq{<div id="nav">$o->{nav}</div>} : '';
    my $be = esc($o->{backend} // '');
    return <<"HTML";
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>@{[ esc($title) ]} - FastMail.FM</title><style>$STYLE</style></head>
<body><div id="top">$who<b>FastMail.FM</b> &nbsp;webmail</div>$nav<div id="main">
$body
</div><div id="foot">Racklab lab webmail &middot; served by $be</div></body></html>
HTML
}

1;
