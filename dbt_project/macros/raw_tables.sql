{# The raw tables of the contract as (source name, table name, file/table identifier), in one
   place for the models that go over all of them (rejected_rows, fct_load_audit). The quarantine
   model of each is base_<source>__<table>, its accepted rows stg_<source>__<table>. #}
{% macro raw_tables() %}
    {{ return([
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
    ]) }}
{% endmacro %}
