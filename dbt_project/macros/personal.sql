{#  Personal data never reaches a mart or the rejected rows' text (GUIDE, issue 14).

    Free text is where people paste it: `CEO leakprobe1@example.org` as a job title, `Head of Sales
    <x@y.net>`, a phone number in an account name. Every text column of the contract that is not
    an enumeration, an identifier or a personal column is masked as it is typed in staging:
    emails become `***@domain` (the company's domain is not personal), phone numbers `<phone>`.
    Identifiers (keys and refs) that are an email or a phone number are replaced by a hash
    instead, so joins still match. Columns marked `hashed` in the contract (owner_id, a sales
    rep) are always shown hashed in `rejected_rows.raw_row`.

    A phone number is `+`, a country code and at least 8 more digits (`+49 151 2345 6789`), an
    area code in brackets and 6-9 digits (`(415) 555-0137`), or three groups of 2-4, 3-4 and 3-5
    digits split by a space, dot or dash (`415-555-0137`, `030 1234 5678`). A date (`2024-01-01`)
    is none of these, and neither is a bare run of digits: ids and amounts look the same. #}

{% macro email_pattern() -%}[A-Za-z0-9._%+-]+@([A-Za-z0-9.-]+){%- endmacro %}

{#- The fewest characters a phone pattern matches (`[0-9]{2,4}[ .-][0-9]{3,4}[ .-][0-9]{3,5}` and the
    others: 10, all ASCII). -#}
{% macro phone_min_length() -%}10{%- endmacro %}

{% macro phone_pattern() -%}[+][0-9]{1,3}[ .-]?[(]?[0-9]{2,5}[)]?[ .-]?[0-9]{3,4}[ .-]?[0-9]{3,5}|[(][0-9]{2,5}[)] ?[0-9]{3,4}[ .-]?[0-9]{3,5}|[0-9]{2,4}[ .-][0-9]{3,4}[ .-][0-9]{3,5}{%- endmacro %}

{#- The email pattern is only tried on text with an `@` (a plain substring search, a fraction of a
    regex's cost: most free text has none). -#}
{% macro mask_personal(expr) -%}
    {%- set emails_masked = 'case when ' ~ dbt.position("'@'", '(' ~ expr ~ ')') ~ ' > 0 then '
        ~ icp.regex_replace(expr, icp.email_pattern(), '***@\\1') ~ ' else ' ~ expr ~ ' end' -%}
    {{ icp.regex_replace(emails_masked, icp.phone_pattern(), '<phone>') }}
{%- endmacro %}

{% macro pseudonym(expr) -%}
    {{ dbt.concat(["'hash:'", 'substr(' ~ dbt.hash(expr) ~ ', 1, 12)']) }}
{%- endmacro %}

{# An identifier as typed: itself, or its hash when it is an email or a phone number. #}
{% macro identifier_value(expr) -%}
    case
        {{- adapter.dispatch('skip_identifier_check', 'icp')(expr) }}
        when {{ icp.regex_matches(expr, "'" ~ icp.email_pattern() ~ "|" ~ icp.phone_pattern() ~ "'") }}
        then {{ icp.pseudonym(expr) }}
        else {{ expr }}
    end
{%- endmacro %}

{% macro spark__skip_identifier_check(expr) -%}{%- endmacro %}

{#- DuckDB: an id of fewer than 10 bytes without an `@` is neither an email nor a phone number
    (above): kept without the regex. Most ids are (customer, account, contact ids): the 7.1M
    invoices' two keys 1.19 / 1.26 -> 0.92 / 0.90 CPU s at 1M accounts (docs/performance.md). -#}
{% macro default__skip_identifier_check(expr) %}
        when strlen({{ expr }}) < {{ icp.phone_min_length() }} and {{ dbt.position("'@'", expr) }} = 0 then {{ expr }}
{%- endmacro %}
