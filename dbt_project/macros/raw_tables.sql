{# The raw tables of the contract as (source name, table name, file/table identifier), for the
   models and tests that go over all of them (rejected_rows, fct_load_audit, the rejected-share
   limits). The quarantine model of each is base_<source>__<table>, its accepted rows
   stg_<source>__<table>.
   The contract itself is the sources YAML (the sources without `connector` meta). This list cannot
   be read from it: the models ref() each base model in a loop over it, and dbt records those refs
   at parse time, when `graph` is still empty. So it is checked against the sources whenever dbt
   executes: a table added to one and not the other stops the build naming both. #}
{% macro raw_tables() %}
    {%- set tables = [
        ('crm', 'accounts', 'crm_accounts'),
        ('crm', 'opportunities', 'crm_opportunities'),
        ('crm', 'contacts', 'crm_contacts'),
        ('billing', 'customers', 'billing_customers'),
        ('billing', 'subscriptions', 'billing_subscriptions'),
        ('billing', 'invoices', 'billing_invoices'),
        ('enrichment', 'companies', 'enrichment_companies'),
        ('spend', 'marketing_spend', 'marketing_spend'),
        ('spend', 'sales_costs', 'sales_costs'),
        ('finance', 'fx_rates', 'fx_rates'),
        ('icp', 'criteria', 'icp_criteria'),
    ] -%}
    {%- if execute -%}
        {%- set listed = [] -%}
        {%- for source_name, table_name, identifier in tables -%}
            {%- do listed.append(source_name ~ '.' ~ table_name ~ ' (' ~ identifier ~ ')') -%}
        {%- endfor -%}
        {%- set declared = [] -%}
        {%- for node in graph.sources.values() if not icp.source_meta(node).get('connector') -%}
            {%- do declared.append(node.source_name ~ '.' ~ node.name ~ ' (' ~ node.identifier ~ ')') -%}
        {%- endfor -%}
        {%- if listed | sort != declared | sort -%}
            {{ exceptions.raise_compiler_error(
                "macros/raw_tables.sql lists the contract tables " ~ listed | sort | join(', ')
                ~ " but the sources YAML declares " ~ declared | sort | join(', ')
                ~ ": make them the same") }}
        {%- endif -%}
    {%- endif -%}
    {{ return(tables) }}
{% endmacro %}
