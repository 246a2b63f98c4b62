{#- One row per CRM account with its firmographics: enrichment joined on the normalised domain, the
    CRM connector's own values where enrichment has no row or a null (field by field), the country
    (enrichment's hq_country wins over the CRM's) read as a code, alpha-3 code or name through
    reference/country_aliases.csv, its region and employee band, and the acquisition channel. -#}

with accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

companies as (

    select * from {{ ref('stg_enrichment__companies') }}

),

crm_firmographics as (

    select * from {{ icp.crm_firmographics() }}

),

countries as (

    select * from {{ ref('country_aliases') }}

),

regions as (

    select * from {{ ref('country_regions') }}

),

bands as (

    select * from {{ ref('employee_bands') }}

),

joined as (

    select
        accounts.account_id,
        accounts.account_name,
        accounts.domain,
        accounts.created_at,
        companies.business_model,
        companies.funding_stage,
        companies.tech_stack,
        companies.founded_year,
        coalesce(accounts.lead_source, 'unknown') as acquisition_channel,
        coalesce(companies.industry, crm_firmographics.industry) as industry,
        coalesce(
            companies.employee_count,
            {{ icp.parse_integer('crm_firmographics.employee_count') }}
        ) as employee_count,
        coalesce(
            companies.annual_revenue_usd,
            {{ icp.parse_decimal('crm_firmographics.annual_revenue_usd') }}
        ) as annual_revenue_usd,
        coalesce(hq_countries.country_code, crm_countries.country_code) as country_code,
        companies.domain is not null as is_enriched
    from accounts
    left join companies
        on accounts.domain = companies.domain
    left join crm_firmographics
        on accounts.account_id = crm_firmographics.account_id
    left join countries as hq_countries
        on {{ icp.country_key('companies.hq_country') }} = hq_countries.country_key
    left join countries as crm_countries
        on {{ icp.country_key('accounts.country_code') }} = crm_countries.country_key

),

final as (

    select
        joined.*,
        bands.employee_band,
        regions.region
    from joined
    left join bands
        on
            joined.employee_count >= bands.min_employees
            and (bands.max_employees is null or joined.employee_count <= bands.max_employees)
    left join regions
        on joined.country_code = regions.country_code

)

select * from final
