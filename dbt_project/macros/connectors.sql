{# Connectors (../shared/spec/connectors.md): which system each contract table comes from, and the
   small rules every connector model shares. The mapping itself is in models/connectors/. #}

{# The contract raw tables a connector can provide: system -> the model that maps it. Every model
   listed here is referenced whatever the run's choice, so the DAG (and Dagster's lineage from
   each connector table to every mart) does not depend on the vars. #}
{% macro connector_models() %}
    {{ return({
        'crm_accounts': {'salesforce': 'salesforce__crm_accounts', 'hubspot': 'hubspot__crm_accounts'},
        'crm_opportunities': {'salesforce': 'salesforce__crm_opportunities', 'hubspot': 'hubspot__crm_opportunities'},
        'crm_contacts': {'salesforce': 'salesforce__crm_contacts', 'hubspot': 'hubspot__crm_contacts'},
        'billing_customers': {'stripe': 'stripe__billing_customers', 'crm': 'won_deals__billing_customers'},
        'billing_subscriptions': {'stripe': 'stripe__billing_subscriptions', 'crm': 'won_deals__billing_subscriptions'},
        'billing_invoices': {'stripe': 'stripe__billing_invoices', 'crm': 'won_deals__billing_invoices'},
    }) }}
{% endmacro %}

{% macro crm_system() %}
    {{ return(icp.system_var('crm', ['salesforce', 'hubspot', 'files'])) }}
{% endmacro %}

{% macro billing_system() %}
    {{ return(icp.system_var('billing', ['stripe', 'files', 'crm'])) }}
{% endmacro %}

{% macro system_var(name, allowed) %}
    {%- set value = var(name, 'files') | string | trim | lower -%}
    {%- if value not in allowed -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ ": '" ~ value ~ "' is not one of " ~ allowed | join(', ')) }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}

{# The system the contract table `identifier` comes from in this run ('files' when a file or a
   warehouse table of the contract's shape). #}
{% macro system_of(identifier) %}
    {%- if identifier.startswith('crm_') -%}{{ return(icp.crm_system()) }}
    {%- elif identifier.startswith('billing_') -%}{{ return(icp.billing_system()) }}
    {%- else -%}{{ return('files') }}
    {%- endif -%}
{% endmacro %}

{# The raw rows of a contract table, as the quarantine and the as-of date read them: the source
   (file or warehouse table) or the connector model of the run's system. Connector rows deleted in
   the source or superseded carry `_drop_reason` and are left out unless `with_dropped`. #}
{% macro raw_relation(source_name, table_name, with_dropped=false) %}
    {%- set file_relation = source(source_name, table_name) -%}
    {#- From the table list, not the relation: at parse time source() returns a placeholder. -#}
    {%- set identifier = icp.raw_tables() | selectattr(0, 'equalto', source_name)
        | selectattr(1, 'equalto', table_name) | map(attribute=2) | first -%}
    {%- set models = {} -%}
    {%- for system, model in icp.connector_models().get(identifier, {}).items() -%}
        {%- do models.update({system: ref(model)}) -%}
    {%- endfor -%}
    {%- set system = icp.system_of(identifier) -%}
    {%- if system not in models -%}
        {{ return(file_relation) }}
    {%- elif with_dropped -%}
        {{ return(models[system]) }}
    {%- else -%}
        {{ return('(select * from ' ~ models[system] ~ ' where _drop_reason is null)') }}
    {%- endif -%}
{% endmacro %}

{# True when this connector is the run's crm or billing system: a connector model of another
   system selects no rows and reads no connector table. #}
{% macro connector_active(system) %}
    {{ return(system in [icp.crm_system(), icp.billing_system()]) }}
{% endmacro %}

{# Booleans as Fivetran writes them: true/false, TRUE/FALSE, 1/0 (or a boolean column). #}
{% macro is_true(expr) -%}
    coalesce(lower({{ icp.clean_text(expr) }}) in ('true', '1', 't'), false)
{%- endmacro %}

{% macro is_false(expr) -%}
    coalesce(lower({{ icp.clean_text(expr) }}) in ('false', '0', 'f'), false)
{%- endmacro %}

{# Why a connector row is not data, or null: deleted in the source (`is_deleted`,
   `_fivetran_deleted`) or a superseded history row (`_fivetran_active` false), for whichever of
   these columns the source declares. #}
{% macro drop_reason(source_name, table_name, alias) %}
    {%- if not execute -%}{{ return('cast(null as ' ~ dbt.type_string() ~ ')') }}{%- endif -%}
    {%- set node = graph.sources.values() | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name) | first -%}
    {%- set declared = node.columns.keys() | list if node else [] -%}
    {%- set deleted = [] -%}
    {%- for column in ['is_deleted', '_fivetran_deleted'] if column in declared -%}
        {%- do deleted.append(icp.is_true(alias ~ '.' ~ column)) -%}
    {%- endfor -%}
    {%- if not deleted and '_fivetran_active' not in declared -%}
        {{ return('cast(null as ' ~ dbt.type_string() ~ ')') }}
    {%- endif %}
    case
        {%- if deleted %}
        when {{ deleted | join(' or ') }} then 'deleted_in_source'
        {%- endif %}
        {%- if '_fivetran_active' in declared %}
        when {{ icp.is_false(alias ~ '._fivetran_active') }} then 'not_current'
        {%- endif %}
        else cast(null as {{ dbt.type_string() }})
    end
{%- endmacro %}

{# An enumeration as the contract compares it: trimmed, lower-cased, each run of characters other
   than letters and digits turned into `_` (`Paid Search`, `PAID_SEARCH` -> `paid_search`). #}
{% macro normalize_enum(expr) -%}
    nullif({{ icp.regex_replace(
        icp.regex_replace('lower(' ~ icp.clean_text(expr) ~ ')', '[^a-z0-9]+', '_'),
        '^_+|_+$', '') }}, '')
{%- endmacro %}

{# A connector timestamp as contract text: an unpadded hour (`2024-01-05 7:03:00`, HubSpot) padded. #}
{% macro connector_timestamp(expr) -%}
    {{ icp.regex_replace(icp.clean_text(expr), '^([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]([0-9]):', '\\1 0\\2:') }}
{%- endmacro %}

{# A decimal as contract text (amounts are decimals with a dot). #}
{% macro decimal_text(expr, scale=6) -%}
    cast(cast({{ expr }} as decimal(38, {{ scale }})) as {{ dbt.type_string() }})
{%- endmacro %}

{# Stripe's zero-decimal currencies: their amounts are whole units, every other currency's are
   hundredths (https://docs.stripe.com/currencies#zero-decimal). #}
{% macro stripe_zero_decimal_currencies() %}
    {{ return(['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF',
               'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']) }}
{% endmacro %}

{# Units of the smallest currency unit in one unit of `currency_expr`: 1 or 100. #}
{% macro stripe_minor_units(currency_expr) -%}
    case when upper({{ icp.clean_text(currency_expr) }}) in
        ('{{ icp.stripe_zero_decimal_currencies() | join("', '") }}') then 1 else 100 end
{%- endmacro %}

{# A Stripe amount (an integer in the smallest unit) as a decimal in the currency's unit. #}
{% macro stripe_amount(amount_expr, currency_expr) -%}
    case when {{ icp.stripe_minor_units(currency_expr) }} = 1
        then cast({{ amount_expr }} as decimal(38, 2))
        else cast({{ amount_expr }} as decimal(38, 0)) * 0.01
    end
{%- endmacro %}

{# The text under a top-level key of a JSON object held as text (Stripe's `metadata`). #}
{% macro json_text(expr, key) -%}
    {%- if not modules.re.fullmatch('[A-Za-z0-9_]+', key) -%}
        {{ exceptions.raise_compiler_error("JSON key must be letters, digits or _: " ~ key) }}
    {%- endif -%}
    {{ return(adapter.dispatch('json_text', 'icp')(expr, key)) }}
{%- endmacro %}

{% macro default__json_text(expr, key) -%}
    json_extract_string(try_cast({{ expr }} as json), '$.{{ key }}')
{%- endmacro %}

{% macro spark__json_text(expr, key) -%}
    get_json_object({{ expr }}, '$.{{ key }}')
{%- endmacro %}

{# No rows, in the shape of the contract table (text columns, `_row_number`, `_drop_reason`, and
   `extra` text columns): what a connector model selects when its connector is not in use. #}
{% macro no_rows(source_name, table_name, extra=[]) %}
    {%- set contract = icp.source_contract(source_name, table_name) if execute else {'columns': []} -%}
    select
        cast(null as bigint) as _row_number,
        cast(null as {{ dbt.type_string() }}) as _drop_reason
        {%- for column in contract.columns | map(attribute='name') | list + extra %},
        cast(null as {{ dbt.type_string() }}) as {{ column }}
        {%- endfor %}
    where 1 = 0
{% endmacro %}

{# The order rows came in: `_row_number` of a registered file (file order, which decides which of
   two repeated keys is kept), else the order of `order_by` (a connector table in a warehouse). #}
{% macro row_order(relation, order_by='id') -%}
    {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list
        if execute else [] -%}
    {%- if '_row_number' in names -%}
        _row_number
    {%- else -%}
        row_number() over (order by {{ order_by }})
    {%- endif -%}
{%- endmacro %}

{# Where a contract table's rows came from, as shown in the load audit: the contract table itself,
   the connector tables that map to it, or the won deals. #}
{% macro read_from(identifier) %}
    {%- set system = icp.system_of(identifier) -%}
    {%- if system == 'files' -%}{{ return(identifier) }}
    {%- elif system == 'crm' -%}{{ return('won deals in crm_opportunities') }}
    {%- endif -%}
    {%- set tables = [] -%}
    {%- for node in icp.connector_sources(system) if icp.source_meta(node).get('maps_to') == identifier -%}
        {%- do tables.append(node.source_name ~ '.' ~ node.name) -%}
    {%- endfor -%}
    {{ return(tables | join(', ')) }}
{% endmacro %}

{# The source nodes of one connector, in name order. #}
{% macro connector_sources(system) %}
    {%- set nodes = [] -%}
    {%- if not execute -%}{{ return(nodes) }}{%- endif -%}
    {%- for node in graph.sources.values() | sort(attribute='name')
        if node.source_name == system and icp.source_meta(node).get('connector') -%}
        {%- do nodes.append(node) -%}
    {%- endfor -%}
    {{ return(nodes) }}
{% endmacro %}

{# A source table's meta, with the source's own meta (dbt merges them into the table's config). #}
{% macro source_meta(node) %}
    {{ return(node.get('config', {}).get('meta', {}) or node.get('meta', {}) or {}) }}
{% endmacro %}

{# The connector tables of the run that are looked up rather than mapped to one contract table
   (Stripe items, prices, charges, refunds): their rows are counted in the load audit too. #}
{% macro connector_lookup_tables() %}
    {%- set tables = [] -%}
    {%- for system in [icp.crm_system(), icp.billing_system()] -%}
        {%- for node in icp.connector_sources(system) if not icp.source_meta(node).get('maps_to') -%}
            {%- do tables.append(node) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(tables) }}
{% endmacro %}

{# A country as text, as reference/country_aliases.csv keys it: dots removed, runs of spaces,
   commas, `_` and `-` made one space, trimmed, upper-cased (`U.S.` -> `US`, `united-kingdom` ->
   `UNITED KINGDOM`). #}
{% macro country_key(expr) -%}
    upper(trim({{ icp.regex_replace(icp.regex_replace(icp.clean_text(expr), '[.]', ''), '[ ,_-]+', ' ') }}))
{%- endmacro %}

{# The CRM's own firmographics of each account (first row of an account id, rows not dropped),
   as text: what fills in where enrichment has no row or a null. No rows for a files CRM. #}
{% macro crm_firmographics() %}
    {%- set models = {} -%}
    {%- for system, model in icp.connector_models()['crm_accounts'].items() -%}
        {%- do models.update({system: ref(model)}) -%}
    {%- endfor -%}
    {%- set system = icp.crm_system() -%}
    {%- if system not in models -%}
        {{ return('(select cast(null as ' ~ dbt.type_string() ~ ') as account_id, cast(null as '
            ~ dbt.type_string() ~ ') as industry, cast(null as ' ~ dbt.type_string()
            ~ ') as employee_count, cast(null as ' ~ dbt.type_string()
            ~ ') as annual_revenue_usd where 1 = 0)') }}
    {%- endif -%}
    {{ return('(select account_id, industry, employee_count, annual_revenue_usd from ('
        ~ 'select *, row_number() over (partition by account_id order by _row_number) as _account_row'
        ~ ' from ' ~ models[system] ~ ' where _drop_reason is null) as accounts'
        ~ ' where _account_row = 1)') }}
{% endmacro %}
