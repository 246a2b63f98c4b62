{#- One row per CRM account with its firmographics: enrichment joined on the normalised domain,
    the country (enrichment's hq_country wins over the CRM's), its region and employee band, and
    the acquisition channel. -#}

with accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

companies as (

    select * from {{ ref('stg_enrichment__companies') }}

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
        companies.industry,
        companies.employee_count,
        companies.annual_revenue_usd,
        companies.business_model,
        companies.funding_stage,
        companies.tech_stack,
        companies.founded_year,
        coalesce(accounts.lead_source, 'unknown') as acquisition_channel,
        coalesce(companies.hq_country, accounts.country_code) as country_code,
        companies.domain is not null as is_enriched
    from accounts
    left join companies
        on accounts.domain = companies.domain

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
